// Artifacts through the whole engine on the host: saved by one pod into the embedded repository,
// loaded by the next, in each archive form, with optional, mode, subPath, key-only and archived logs.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTarball } from '../../../src/artifacts/index.js';
import { node, param, startEngine, type Engine } from './engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(() => engine.close());

const stored = (key: string): string => path.join(engine.home, 'artifacts', ...key.split('/'));

describe('artifact passing on the embedded repository', () => {
  it('saves an output as a tarball under <workflow>/<pod>/ and hands it to the next step', async () => {
    const wf = await engine.run(`
metadata: {generateName: pass-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: gen
        template: gen
    - - name: use
        template: use
        arguments:
          artifacts: [{name: message, from: "{{steps.gen.outputs.artifacts.hello}}"}]
  - name: gen
    container:
      image: busybox
      command: [sh, -c, "echo hello world > /tmp/hello.txt"]
    outputs:
      artifacts: [{name: hello, path: /tmp/hello.txt}]
  - name: use
    inputs:
      artifacts: [{name: message, path: /tmp/message}]
    container: {image: busybox, command: [sh, -c, "cat /tmp/message"]}
    outputs:
      parameters: [{name: got, valueFrom: {path: /tmp/message}}]
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const gen = node(wf, 'gen');
    const art = gen.outputs?.artifacts?.[0];
    const pod = `${wf.metadata.name}-gen-${gen.id.split('-').pop()}`;
    expect(art).toEqual({
      name: 'hello',
      path: '/tmp/hello.txt',
      s3: { key: `${wf.metadata.name}/${pod}/hello.tgz` },
    });
    expect(await isTarball(stored(art!.s3!.key!))).toBe(true);
    expect(param(node(wf, 'use'), 'got')).toBe('hello world');
    expect(node(wf, 'use').inputs?.artifacts?.[0]).toMatchObject({
      name: 'message',
      path: '/tmp/message',
      s3: art!.s3,
    });
    expect(wf.status?.artifactRepositoryRef).toEqual({ default: true, artifactRepository: {} });
  });

  it('stores a folder as it is (archive none) under its own key, reads one file of it by subPath, applies mode', async () => {
    const wf = await engine.run(`
metadata: {generateName: folder-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - name: gen
        template: gen
      - name: use
        template: use
        depends: gen
        arguments:
          artifacts: [{name: one, from: "{{tasks.gen.outputs.artifacts.out}}", subPath: sub/b.txt}]
  - name: gen
    container:
      image: busybox
      command: [sh, -c, "mkdir -p /mnt/out/sub && echo a > /mnt/out/a.txt && echo b > /mnt/out/sub/b.txt"]
    outputs:
      artifacts: [{name: out, path: /mnt/out, archive: {none: {}}, s3: {key: "{{workflow.name}}/parts"}}]
  - name: use
    inputs:
      artifacts: [{name: one, path: /mnt/in/b.txt, mode: 448}]
    container: {image: busybox, command: [sh, -c, "stat -c %a /mnt/in/b.txt > /tmp/mode"]}
    outputs:
      parameters:
      - {name: content, valueFrom: {path: /mnt/in/b.txt}}
      - {name: mode, valueFrom: {path: /tmp/mode}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(readFileSync(stored(`${wf.metadata.name}/parts/sub/b.txt`), 'utf8')).toBe('b\n');
    const use = node(wf, 'use');
    expect(param(use, 'content')).toBe('b');
    expect(param(use, 'mode')).toBe('700');
  });

  it('round-trips a zip and a tarball of a chosen compression level', async () => {
    const wf = await engine.run(`
metadata: {generateName: zip-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: gen
        template: gen
    - - name: use
        template: use
        arguments:
          artifacts:
          - {name: z, from: "{{steps.gen.outputs.artifacts.z}}"}
          - {name: t, from: "{{steps.gen.outputs.artifacts.t}}"}
  - name: gen
    container:
      image: busybox
      command: [sh, -c, "mkdir -p /tmp/d && echo zipped > /tmp/d/f && echo stored > /tmp/t.txt"]
    outputs:
      artifacts:
      - {name: z, path: /tmp/d, archive: {zip: {}}}
      - {name: t, path: /tmp/t.txt, archive: {tar: {compressionLevel: 0}}}
  - name: use
    inputs:
      artifacts:
      - {name: z, path: /tmp/z, archive: {zip: {}}}
      - {name: t, path: /tmp/t}
    container: {image: busybox, command: [sh, -c, "true"]}
    outputs:
      parameters:
      - {name: z, valueFrom: {path: /tmp/z/f}}
      - {name: t, valueFrom: {path: /tmp/t}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const keys = node(wf, 'gen').outputs?.artifacts?.map((a) => path.posix.basename(a.s3!.key!));
    expect(keys).toEqual(['z.zip', 't.tgz']);
    expect(param(node(wf, 'use'), 'z')).toBe('zipped');
    expect(param(node(wf, 'use'), 't')).toBe('stored');
  });

  it('skips an optional output that was not written, and fails on a required one with argoexec words', async () => {
    const wf = await engine.run(`
metadata: {generateName: optional-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, "true"]}
    outputs:
      artifacts:
      - {name: maybe, path: /tmp/maybe.txt, optional: true}
      - {name: must, path: /tmp/must.txt}
`);
    expect(wf.status?.phase).toBe('Error');
    const main = Object.values(wf.status!.nodes!)[0];
    expect(main.message).toContain(
      'open /var/run/argo/outputs/artifacts/tmp/must.txt.tgz: no such file or directory',
    );
    expect(main.message).not.toContain('maybe');
  });

  it('fails a pod whose required input was not supplied before its container runs', async () => {
    const wf = await engine.run(`
metadata: {generateName: missing-}
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      artifacts: [{name: in, path: /tmp/in, s3: {key: nothing/here}}]
    container: {image: busybox, command: [sh, -c, "touch /tmp/ran"]}
`);
    expect(wf.status?.phase).toBe('Error');
    expect(Object.values(wf.status!.nodes!)[0].message).toMatch(
      /^init: Error \(exit code 1\): artifact in failed to load: artifact key "nothing\/here" not found/,
    );
  });

  it('puts raw inputs at their path and saves main logs with archiveLogs, without the runtime timestamps', async () => {
    const wf = await engine.run(`
metadata: {generateName: logs-}
spec:
  entrypoint: main
  archiveLogs: true
  templates:
  - name: main
    inputs:
      artifacts: [{name: raw, path: /tmp/raw.txt, raw: {data: "raw content"}}]
    container: {image: busybox, command: [sh, -c, "cat /tmp/raw.txt; echo; echo second line"]}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const main = Object.values(wf.status!.nodes!)[0];
    const log = main.outputs?.artifacts?.find((a) => a.name === 'main-logs');
    expect(log?.s3?.key).toMatch(new RegExp(`^${wf.metadata.name}/${wf.metadata.name}/main.log$`));
    expect(readFileSync(stored(log!.s3!.key!), 'utf8')).toBe('raw content\nsecond line\n');
  });

  it('gives a containerSet its inputs in every container and saves outputs from main and its volume', async () => {
    const wf = await engine.run(`
metadata: {generateName: cset-}
spec:
  entrypoint: main
  archiveLogs: true
  templates:
  - name: main
    volumes: [{name: ws, emptyDir: {}}]
    inputs:
      artifacts: [{name: seed, path: /tmp/seed, raw: {data: "seeded"}}]
    containerSet:
      volumeMounts: [{name: ws, mountPath: /workspace}]
      containers:
      - {name: a, image: busybox, command: [sh, -c, "cat /tmp/seed > /workspace/from-a"]}
      - name: main
        image: busybox
        command: [sh, -c, "cat /workspace/from-a /tmp/seed > /tmp/both; echo main says hi"]
        dependencies: [a]
    outputs:
      artifacts:
      - {name: both, path: /tmp/both, archive: {none: {}}}
      - {name: ws, path: /workspace/from-a, archive: {none: {}}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const pod = Object.values(wf.status!.nodes!).find((n) => n.type === 'Pod')!;
    const arts = Object.fromEntries(pod.outputs!.artifacts!.map((a) => [a.name, a.s3!.key!]));
    expect(readFileSync(stored(arts.both), 'utf8')).toBe('seededseeded');
    expect(readFileSync(stored(arts.ws), 'utf8')).toBe('seeded');
    expect(readFileSync(stored(arts['main-logs']), 'utf8')).toBe('main says hi\n');
    expect(Object.keys(arts).sort()).toEqual(['a-logs', 'both', 'main-logs', 'ws']);
  });

  it('keeps a volume mounted beside an output folder visible (the top-level folder is not hidden then)', async () => {
    const wf = await engine.run(`
metadata: {generateName: beside-}
spec:
  entrypoint: main
  templates:
  - name: main
    volumes: [{name: v, emptyDir: {}}]
    container:
      image: busybox
      command: [sh, -c, "echo vol > /mnt/artifacts-test-vol/a && mkdir -p /mnt/artifacts-test-out && echo out > /mnt/artifacts-test-out/b"]
      volumeMounts: [{name: v, mountPath: /mnt/artifacts-test-vol}]
    outputs:
      artifacts:
      - {name: a, path: /mnt/artifacts-test-vol/a, archive: {none: {}}}
      - {name: b, path: /mnt/artifacts-test-out/b, archive: {none: {}}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const arts = Object.values(wf.status!.nodes!)[0].outputs!.artifacts!;
    expect(arts.map((a) => readFileSync(stored(a.s3!.key!), 'utf8'))).toEqual(['vol\n', 'out\n']);
  });

  it('lets a container mkdir the folder of its outputs, which the host has already', async () => {
    // A private top-level /mnt: the host's /mnt (and anything left in it) is not what the container sees.
    const wf = await engine.run(`
metadata: {generateName: mkdir-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, "mkdir /mnt/out-artifacts-test && echo x > /mnt/out-artifacts-test/f"]}
    outputs:
      artifacts: [{name: f, path: /mnt/out-artifacts-test/f, archive: {none: {}}}]
`);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(existsSync('/mnt/out-artifacts-test')).toBe(false);
  });
});
