// What happens to artifacts and volumes after a workflow: artifact GC on completion and on
// deletion (with its finalizer), and the claims of volumeClaimTemplates, shared by the workflow's
// pods and collected as volumeClaimGC says.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalClient } from '../../../src/client/local/client.js';
import type { KubeObject } from '../../../src/model/meta.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { node, NS, param, startEngine, type Engine } from './engine.js';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(() => engine.close());

async function until<T>(what: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await what();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('artifact GC', () => {
  it('deletes OnWorkflowCompletion artifacts when done, and OnWorkflowDeletion ones when the workflow is deleted', async () => {
    const wf = await engine.run(
      `
metadata: {generateName: gc-}
spec:
  entrypoint: main
  artifactGC: {strategy: OnWorkflowDeletion}
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, "echo a > /tmp/a; echo b > /tmp/b; echo c > /tmp/c"]}
    outputs:
      artifacts:
      - {name: on-completion, path: /tmp/a, artifactGC: {strategy: OnWorkflowCompletion}}
      - {name: on-deletion, path: /tmp/b}
      - {name: kept, path: /tmp/c, artifactGC: {strategy: Never}}
`,
      { done: (w) => !!w.status?.artifactGCStatus?.strategiesProcessed?.OnWorkflowCompletion },
    );
    expect(wf.metadata.finalizers).toContain('workflows.argoproj.io/artifact-gc');
    const arts = Object.values(wf.status!.nodes!)[0].outputs!.artifacts!;
    const file = (name: string) =>
      path.join(engine.home, 'artifacts', ...arts.find((a) => a.name === name)!.s3!.key!.split('/'));
    expect(arts.find((a) => a.name === 'on-completion')?.deleted).toBe(true);
    expect(existsSync(file('on-completion'))).toBe(false);
    expect(existsSync(file('on-deletion'))).toBe(true);

    await engine.store.delete('Workflow', NS, wf.metadata.name ?? '');
    await until(async () =>
      (await engine.store.get<Workflow>('Workflow', NS, wf.metadata.name ?? '')) ? undefined : true,
    );
    expect(existsSync(file('on-deletion'))).toBe(false);
    expect(existsSync(file('kept'))).toBe(true);
  });

  it('adds no finalizer when no artifact is collected', async () => {
    const wf = await engine.run(`
metadata: {generateName: nogc-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, "echo a > /tmp/a"]}
    outputs: {artifacts: [{name: a, path: /tmp/a}]}
`);
    expect(wf.metadata.finalizers ?? []).toEqual([]);
  });
});

describe('volumeClaimTemplates', () => {
  it('gives the workflow one claim its pods share, deleted with its folder when the workflow succeeds', async () => {
    const created: string[] = [];
    const watch = engine.store.watch<KubeObject>('PersistentVolumeClaim', { namespace: NS }, (ev) => {
      if (ev.type === 'ADDED') created.push(ev.object.metadata.name ?? '');
    });
    const wf = await engine.run(`
metadata: {generateName: pvc-}
spec:
  entrypoint: main
  volumeClaimTemplates:
  - metadata: {name: workdir}
    spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
  templates:
  - name: main
    steps:
    - - {name: write, template: write}
    - - {name: read, template: read}
  - name: write
    container:
      image: busybox
      command: [sh, -c, "echo shared > /mnt/vol/f"]
      volumeMounts: [{name: workdir, mountPath: /mnt/vol}]
  - name: read
    container:
      image: busybox
      command: [sh, -c, "cat /mnt/vol/f > /tmp/got"]
      volumeMounts: [{name: workdir, mountPath: /mnt/vol}]
    outputs: {parameters: [{name: got, valueFrom: {path: /tmp/got}}]}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const claim = `${wf.metadata.name}-workdir`;
    expect(wf.status?.persistentVolumeClaims).toEqual([
      { name: 'workdir', persistentVolumeClaim: { claimName: claim } },
    ]);
    expect(param(node(wf, 'read'), 'got')).toBe('shared');
    watch.stop();
    expect(created).toEqual([claim]);
    await until(async () =>
      (await engine.store.get<KubeObject>('PersistentVolumeClaim', NS, claim)) ? undefined : true,
    );
    await until(async () => (existsSync(path.join(engine.home, 'volumes', NS, claim)) ? undefined : true));
  });

  it('keeps the claim of a failed workflow for a retry, and deletes it with the workflow', async () => {
    const wf = await engine.run(`
metadata: {generateName: pvc-fail-}
spec:
  entrypoint: main
  volumeClaimTemplates: [{metadata: {name: workdir}, spec: {resources: {requests: {storage: 1Gi}}}}]
  templates:
  - name: main
    container:
      image: busybox
      command: [sh, -c, "echo kept > /mnt/vol/f; exit 1"]
      volumeMounts: [{name: workdir, mountPath: /mnt/vol}]
`);
    expect(wf.status?.phase).toBe('Failed');
    const claim = `${wf.metadata.name}-workdir`;
    const folder = path.join(engine.home, 'volumes', NS, claim);
    expect(await engine.store.get('PersistentVolumeClaim', NS, claim)).toBeDefined();
    expect(existsSync(path.join(folder, 'f'))).toBe(true);
    const client = new LocalClient({ store: engine.store, home: engine.home, namespace: NS, engine: 'none' });
    await client.deleteWorkflow(NS, wf.metadata.name ?? '');
    expect(await engine.store.get('PersistentVolumeClaim', NS, claim)).toBeUndefined();
    expect(existsSync(folder)).toBe(false);
  });
});
