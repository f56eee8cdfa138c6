// The S3 repository against a real S3 server process (s3rver on a loopback port): objects and
// folders round-trip, and a workflow whose controller configuration names the bucket passes its
// artifacts through it, readable afterwards as the Argo Server reads them.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Repository, storeSecrets, WorkflowArtifactReader } from '../../../src/artifacts/index.js';
import { startS3rver, type S3Server } from '../../helpers/s3rver.js';
import { node, param, startEngine } from './engine.js';

let s3: S3Server;
let endpoint: string;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'argo-s3-'));
  s3 = await startS3rver(path.join(scratch, 'data'));
  endpoint = s3.endpoint;
});
afterAll(() => {
  s3?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const settings = () => ({
  endpoint,
  bucket: 'artifacts',
  insecure: true,
  accessKey: 'S3RVER',
  secretKey: 'S3RVER',
});

describe('S3 repository', () => {
  it('round-trips files and folders, lists and deletes under a prefix', async () => {
    const repo = new S3Repository(settings());
    const src = path.join(scratch, 'src');
    mkdirSync(path.join(src, 'dir', 'sub'), { recursive: true });
    writeFileSync(path.join(src, 'file.txt'), 'one object');
    writeFileSync(path.join(src, 'dir', 'a.json'), '{"a":1}');
    writeFileSync(path.join(src, 'dir', 'sub', 'b.json'), '{"b":2}');
    await repo.putFile('round/file.txt', path.join(src, 'file.txt'));
    await repo.putDirectory('round/dir', path.join(src, 'dir'));
    expect(await repo.stat('round/file.txt')).toBe('file');
    expect(await repo.stat('round/dir')).toBe('directory');
    expect(await repo.stat('round/none')).toBeUndefined();
    expect(await repo.list('round')).toEqual(['round/dir/a.json', 'round/dir/sub/b.json', 'round/file.txt']);
    await repo.get('round/dir', path.join(scratch, 'back'));
    expect(readFileSync(path.join(scratch, 'back', 'sub', 'b.json'), 'utf8')).toBe('{"b":2}');
    const chunks: Buffer[] = [];
    for await (const c of await repo.openRead('round/file.txt')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('one object');
    await repo.delete('round/dir');
    expect(await repo.list('round')).toEqual(['round/file.txt']);
  });

  it('creates a missing bucket when asked to', async () => {
    const repo = new S3Repository({ ...settings(), bucket: 'made-on-demand', createBucket: true });
    writeFileSync(path.join(scratch, 'x'), 'x');
    await repo.putFile('k', path.join(scratch, 'x'));
    expect(await repo.list('')).toEqual(['k']);
  });
});

describe('a workflow on an S3 artifact repository', () => {
  it('passes artifacts through the bucket the controller configuration names', async () => {
    const engine = await startEngine([
      {
        kind: 'Secret',
        obj: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'my-s3-cred' },
          stringData: { accessKey: 'S3RVER', secretKey: 'S3RVER' },
        } as never,
      },
      {
        kind: 'ConfigMap',
        obj: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'workflow-controller-configmap' },
          data: {
            artifactRepository: [
              'archiveLogs: true',
              's3:',
              '  bucket: artifacts',
              `  endpoint: ${endpoint}`,
              '  insecure: true',
              '  keyFormat: "runs/{{workflow.name}}/{{pod.name}}"',
              '  accessKeySecret: {name: my-s3-cred, key: accessKey}',
              '  secretKeySecret: {name: my-s3-cred, key: secretKey}',
            ].join('\n'),
          },
        } as never,
      },
    ]);
    try {
      const wf = await engine.run(`
metadata: {generateName: s3-pass-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: gen, template: gen}
      - name: use
        template: use
        depends: gen
        arguments:
          artifacts: [{name: in, from: "{{tasks.gen.outputs.artifacts.out}}"}]
  - name: gen
    container: {image: busybox, command: [sh, -c, "echo through s3 > /tmp/out.txt"]}
    outputs:
      artifacts:
      - {name: out, path: /tmp/out.txt}
      - {name: keyed, path: /tmp/out.txt, s3: {key: "fixed/{{workflow.name}}.txt"}, archive: {none: {}}}
  - name: use
    inputs:
      artifacts: [{name: in, path: /tmp/in.txt}]
    container: {image: busybox, command: [sh, -c, "true"]}
    outputs:
      parameters: [{name: got, valueFrom: {path: /tmp/in.txt}}]
`);
      expect(wf.status?.phase).toBe('Succeeded');
      expect(wf.status?.artifactRepositoryRef).toMatchObject({
        default: true,
        artifactRepository: { s3: { bucket: 'artifacts' } },
      });
      expect(param(node(wf, 'use'), 'got')).toBe('through s3');
      const gen = node(wf, 'gen');
      const out = gen.outputs!.artifacts!.find((a) => a.name === 'out')!;
      expect(out.s3).toEqual({
        key: expect.stringMatching(new RegExp(`^runs/${wf.metadata.name}/.+/out\\.tgz$`)),
      });
      const repo = new S3Repository(settings());
      const keys = await repo.list(`runs/${wf.metadata.name}`);
      expect(keys).toContain(out.s3!.key);
      expect(keys.some((k) => k.endsWith('/main.log'))).toBe(true);
      expect(await repo.list('fixed')).toEqual([`fixed/${wf.metadata.name}.txt`]);
      // Read back as the Argo Server's download route does, with the Secret's credentials.
      const reader = new WorkflowArtifactReader({ home: engine.home, secret: storeSecrets(engine.store) });
      const got = await reader.open({
        workflow: wf,
        nodeId: gen.id,
        artifactName: 'keyed',
        direction: 'outputs',
      });
      const chunks: Buffer[] = [];
      for await (const c of got!.body as AsyncIterable<Buffer>) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe('through s3\n');
      expect(got!.fileName).toBe(`${wf.metadata.name}.txt`);
    } finally {
      await engine.close();
    }
  });
});
