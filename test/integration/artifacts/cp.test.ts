// `argo cp` and artifact downloads: the same copy through the local backend and through an Argo
// Server's artifact routes (the http backend), with upstream's --path variables and filters.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSecrets, unpack, WorkflowArtifactReader } from '../../../src/artifacts/index.js';
import { copyArtifacts } from '../../../src/cli/commands/cp-run.js';
import { HttpClient } from '../../../src/client/http/client.js';
import { LocalClient } from '../../../src/client/local/client.js';
import type { ArgoClient } from '../../../src/client/types.js';
import type { ArtifactRequest } from '../../../src/server/artifacts.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { startTestServer, type TestServer } from '../server/harness.js';

let server: TestServer;
let reader: WorkflowArtifactReader | undefined;
let wf: Workflow;
let out: string;

const manifest = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'cp-' },
  spec: {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        steps: [
          [{ name: 'gen', template: 'gen' }],
          [
            {
              name: 'use',
              template: 'use',
              arguments: { artifacts: [{ name: 'in', from: '{{steps.gen.outputs.artifacts.text}}' }] },
            },
          ],
        ],
      },
      {
        name: 'gen',
        container: {
          image: 'busybox',
          command: ['sh', '-c', 'mkdir -p /tmp/d && echo one > /tmp/d/1.txt && echo text > /tmp/t.txt'],
        },
        outputs: {
          artifacts: [
            { name: 'text', path: '/tmp/t.txt' },
            { name: 'folder', path: '/tmp/d', archive: { none: {} } },
          ],
        },
      },
      {
        name: 'use',
        inputs: { artifacts: [{ name: 'in', path: '/tmp/in' }] },
        container: { image: 'busybox', command: ['sh', '-c', 'cat /tmp/in'] },
      },
    ],
  },
};

beforeAll(async () => {
  server = await startTestServer({ artifacts: { open: (req: ArtifactRequest) => reader!.open(req) } });
  reader = new WorkflowArtifactReader({ home: server.home, secret: storeSecrets(server.store) });
  const created = await server.fetch('POST', '/api/v1/workflows/default', { body: { workflow: manifest } });
  expect(created.status).toBe(200);
  const name = created.json.metadata.name as string;
  const end = Date.now() + 30_000;
  for (;;) {
    const got = await server.fetch('GET', `/api/v1/workflows/default/${name}`);
    wf = got.json;
    if (wf.status?.finishedAt || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(wf.status?.phase).toBe('Succeeded');
  out = mkdtempSync(path.join(tmpdir(), 'argo-cp-'));
}, 40_000);
afterAll(async () => {
  await server?.close();
  rmSync(out, { recursive: true, force: true });
});

function clients(): [string, () => ArgoClient][] {
  return [
    [
      'local',
      () => new LocalClient({ store: server.store, home: server.home, namespace: 'default', engine: 'none' }),
    ],
    [
      'http',
      () =>
        new HttpClient({
          server: server.url,
          secure: false,
          insecureSkipVerify: true,
          authorization: `Bearer ${server.token}`,
          namespace: 'default',
        }),
    ],
  ];
}

describe.each(clients())('argo cp on the %s backend', (backend, make) => {
  it('copies every output artifact under {namespace}/{workflowName}/{nodeId}/outputs/{artifactName}', async () => {
    const dir = path.join(out, backend, 'all');
    const lines: string[] = [];
    const n = await copyArtifacts(
      make(),
      'default',
      wf.metadata.name!,
      dir,
      { path: '{namespace}/{workflowName}/{nodeId}/outputs/{artifactName}' },
      (l) => lines.push(l),
    );
    const gen = Object.values(wf.status!.nodes!).find((x) => x.displayName === 'gen')!;
    const tgz = path.join(dir, 'default', wf.metadata.name!, gen.id, 'outputs', 'text', 'text.tgz');
    expect(n).toBe(2);
    expect(lines).toContain('Created "text.tgz"');
    await unpack(tgz, path.join(dir, 'text'), 'tgz');
    expect(readFileSync(path.join(dir, 'text'), 'utf8')).toBe('text\n');
    // A folder stored as it is comes back as the listing page the server gives for it.
    const listing = readFileSync(
      path.join(dir, 'default', wf.metadata.name!, gen.id, 'outputs', 'folder', 'd'),
      'utf8',
    );
    expect(listing).toContain('<a href="./1.txt">1.txt</a>');
  });

  it('filters by artifact and template name and lays files out by --path', async () => {
    const dir = path.join(out, backend, 'some');
    await copyArtifacts(
      make(),
      'default',
      wf.metadata.name!,
      dir,
      { artifactName: 'text', templateName: 'gen', path: '{workflowName}/{templateName}/{artifactName}' },
      () => undefined,
    );
    expect(readdirSync(path.join(dir, wf.metadata.name!, 'gen'))).toEqual(['text']);
    expect(existsSync(path.join(dir, wf.metadata.name!, 'gen', 'text', 'text.tgz'))).toBe(true);
  });

  it('downloads an input artifact and says when there is none', async () => {
    const use = Object.values(wf.status!.nodes!).find((x) => x.displayName === 'use')!;
    const body = await make().getArtifact('default', wf.metadata.name!, use.id, 'in', {
      direction: 'inputs',
    });
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    await expect(make().getArtifact('default', wf.metadata.name!, use.id, 'nope')).rejects.toMatchObject({
      status: 404,
    });
  });
});
