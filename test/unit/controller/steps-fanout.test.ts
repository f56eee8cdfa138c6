// Reconcile passes of a wide steps fan-out under the workflow's parallelism, driven directly. Items
// waiting for room get no node and cost a lookup each: only the items a pass starts take their
// arguments (here: read a ConfigMap), while a step of another template in the same group is still
// resolved, and fails, whatever the parallelism.
import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../../src/model/meta.js';
import { nodeId } from '../../../src/workflow/node-id.js';
import { Reconciler } from '../../helpers/reconcile.js';

const fanout = (count: number, extra = '') => `
metadata: {name: wide}
spec:
  entrypoint: main
  parallelism: 4
  templates:
    - name: main
      steps:
        - - {name: item, template: configured, withSequence: {count: '${count}'}}${extra}
    - name: configured
      inputs:
        parameters:
          - name: size
            valueFrom: {configMapKeyRef: {name: settings, key: size}}
      container: {image: busybox, command: ['true']}
    - name: unconfigured
      inputs:
        parameters:
          - name: size
            valueFrom: {configMapKeyRef: {name: absent, key: size}}
      container: {image: busybox, command: ['true']}
`;

/** A Reconciler whose ConfigMap reads are counted. */
function counted(manifest: string): { r: Reconciler; reads: () => number } {
  const r = new Reconciler(manifest);
  let reads = 0;
  const settings: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings' },
    data: { size: '3' },
  };
  r.deps = {
    getConfigMap: (_ns, name) => {
      reads++;
      return name === 'settings' ? settings : undefined;
    },
  };
  return { r, reads: () => reads };
}

const podNames = (r: Reconciler) =>
  r
    .nodes()
    .filter((n) => n.type === 'Pod')
    .map((n) => n.displayName);

describe('a steps fan-out under the workflow parallelism', () => {
  it('starts items in order as room frees up, and waiting items take no arguments', () => {
    const { r, reads } = counted(fanout(2000));
    r.pass();
    expect(podNames(r)).toEqual(['item(0:0)', 'item(1:1)', 'item(2:2)', 'item(3:3)']);
    expect(r.node('item(0:0)').inputs?.parameters).toEqual([
      { name: 'size', value: '3', valueFrom: { configMapKeyRef: { name: 'settings', key: 'size' } } },
    ]);

    let before = reads();
    r.pass();
    // The 1,996 waiting items are held back without taking their arguments.
    expect(reads() - before).toBeLessThan(10);
    expect(podNames(r)).toHaveLength(4);

    r.finish('item(1:1)');
    r.finish('item(2:2)');
    before = reads();
    r.pass();
    expect(reads() - before).toBeLessThan(10);
    expect(r.activePods()).toEqual(['item(0:0)', 'item(3:3)', 'item(4:4)', 'item(5:5)']);
  });

  it('still resolves a step of another template in the group, which errors at once', () => {
    const { r } = counted(fanout(50, `\n          - {name: broken, template: unconfigured}`));
    r.pass();
    expect(r.node('broken')).toMatchObject({ type: 'Skipped', phase: 'Error' });
    expect(r.node('broken').message).toContain('absent');
    expect(r.activePods()).toHaveLength(4);
  });

  /** Passes until the workflow succeeds, every pod started ending at once. */
  const runToEnd = (r: Reconciler) => {
    for (let passes = 0; r.wf.status?.phase !== 'Succeeded' && passes < 100; passes++) {
      r.pass();
      for (const name of r.activePods()) r.finish(name);
    }
  };

  it('runs every item once and succeeds', () => {
    const { r } = counted(fanout(30));
    runToEnd(r);
    expect(r.wf.status?.phase).toBe('Succeeded');
    expect(podNames(r)).toEqual(Array.from({ length: 30 }, (_, i) => `item(${i}:${i})`));
    expect(r.node('wide')).toMatchObject({ phase: 'Succeeded', progress: '30/30' });
  });

  it('keeps node ids between passes in the map the controller gives, to the same status', () => {
    const plain = counted(fanout(30)).r;
    runToEnd(plain);
    const kept = counted(fanout(30)).r;
    const nodeIds = new Map<string, string>();
    kept.deps = { ...kept.deps, nodeIds };
    runToEnd(kept);
    expect(kept.wf.status?.nodes).toEqual(plain.wf.status?.nodes);
    for (const n of kept.nodes()) expect(nodeIds.get(n.name)).toBe(nodeId('wide', n.name));
    expect(nodeIds.size).toBeGreaterThanOrEqual(kept.nodes().length);
  });

  /** Passes until the workflow ends; the item named `failing` exits 1, every other pod succeeds. */
  const runWithFailure = (r: Reconciler, failing: string) => {
    for (let passes = 0; !r.wf.status?.finishedAt && passes < 100; passes++) {
      r.pass();
      for (const name of r.activePods()) r.finish(name, name === failing ? 1 : 0);
    }
  };

  it('reaches the same status on its own copy, where finished items are passed over, as on fresh copies', () => {
    const extra = `\n          - {name: other, template: configured}`;
    for (const failing of ['', 'item(7:7)']) {
      const fresh = counted(fanout(20, extra)).r;
      runWithFailure(fresh, failing);
      const own = counted(fanout(20, extra)).r;
      own.owned = true;
      runWithFailure(own, failing);
      expect(own.wf.status?.phase).toBe(failing ? 'Failed' : 'Succeeded');
      expect(own.wf.status?.nodes).toEqual(fresh.wf.status?.nodes);
      expect(own.wf.status?.progress).toBe(fresh.wf.status?.progress);
      expect(own.wf.status?.message).toBe(fresh.wf.status?.message);
    }
  });

  it('on its own copy, a failed item stops the group unless the step continues on failure', () => {
    const continuing = fanout(6).replace(
      "withSequence: {count: '6'}",
      "withSequence: {count: '6'}, continueOn: {failed: true}",
    );
    const r = counted(continuing).r;
    r.owned = true;
    runWithFailure(r, 'item(2:2)');
    expect(r.node('item(2:2)').phase).toBe('Failed');
    expect(r.wf.status?.phase).toBe('Succeeded');
    const stopped = counted(fanout(6)).r;
    stopped.owned = true;
    runWithFailure(stopped, 'item(2:2)');
    expect(stopped.wf.status?.phase).toBe('Failed');
    expect(stopped.node('[0]').message).toBe(`child '${stopped.node('item(2:2)').id}' failed`);
  });
});
