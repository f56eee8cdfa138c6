// Artifacts never leave their root: a folder artifact keeps the links a container made as links,
// the artifact server never follows one (`etclink -> /etc` must not serve the host's /etc), and
// an output artifact that is itself a link is read only where it leads inside the container.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeSecrets, WorkflowArtifactReader } from '../../../src/artifacts/index.js';
import type { Workflow } from '../../../src/model/workflow.js';
import type { ArtifactRequest } from '../../../src/server/artifacts.js';
import { startTestServer, type TestServer } from '../server/harness.js';

let server: TestServer;
let reader: WorkflowArtifactReader | undefined;

function workflow(name: string, script: string, artifacts: Record<string, unknown>[]) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: {
      entrypoint: 'gen',
      templates: [
        {
          name: 'gen',
          container: { image: 'busybox', command: ['sh', '-c', script] },
          outputs: { artifacts },
        },
      ],
    },
  };
}

async function runToEnd(manifest: ReturnType<typeof workflow>): Promise<Workflow> {
  const created = await server.fetch('POST', '/api/v1/workflows/default', { body: { workflow: manifest } });
  expect(created.status).toBe(200);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const wf = (await server.fetch('GET', `/api/v1/workflows/default/${manifest.metadata.name}`))
      .json as Workflow;
    if (wf.status?.finishedAt) return wf;
    if (Date.now() > deadline) throw new Error(`${manifest.metadata.name} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const hostPasswd = readFileSync('/etc/passwd', 'utf8');
let folderWf: Workflow;
let linkWf: Workflow;

beforeAll(async () => {
  server = await startTestServer({ artifacts: { open: (req: ArtifactRequest) => reader!.open(req) } });
  reader = new WorkflowArtifactReader({ home: server.home, secret: storeSecrets(server.store) });
  [folderWf, linkWf] = await Promise.all([
    runToEnd(
      workflow('folder', 'mkdir -p /tmp/d && echo one > /tmp/d/1.txt && ln -s /etc /tmp/d/etclink', [
        { name: 'dir', path: '/tmp/d', archive: { none: {} } },
      ]),
    ),
    runToEnd(
      workflow('link', 'ln -s /etc/passwd /tmp/hostlink', [
        { name: 'host', path: '/tmp/hostlink', archive: { none: {} } },
      ]),
    ),
  ]);
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('a folder artifact holding a link out of it', () => {
  it('is saved, and its own files are served', async () => {
    expect(folderWf.status?.phase).toBe('Succeeded');
    const r = await server.fetch('GET', '/artifact-files/default/workflows/folder/folder/outputs/dir/1.txt');
    expect(r.status).toBe(200);
    expect(r.text).toBe('one\n');
  });

  it('never serves what the link points at', async () => {
    for (const file of ['etclink/passwd', 'etclink']) {
      const r = await server.fetch(
        'GET',
        `/artifact-files/default/workflows/folder/folder/outputs/dir/${file}`,
      );
      expect(r.status).toBe(404);
      expect(r.text).not.toContain(hostPasswd.split('\n')[0]);
    }
  });
});

describe('an output artifact that is a link to a host file', () => {
  it('is refused, naming the link, and the file is not uploaded', async () => {
    expect(linkWf.status?.phase).not.toBe('Succeeded');
    const node = Object.values(linkWf.status?.nodes ?? {})[0];
    expect(node?.message).toContain('/tmp/hostlink is a symbolic link to /etc/passwd');
    const r = await server.fetch('GET', '/artifacts/default/link/link/host');
    expect(r.status).toBe(404);
    expect(r.text).not.toContain(hostPasswd.split('\n')[0]);
  });
});
