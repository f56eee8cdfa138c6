// The lock manager on its own: who gets a mutex or semaphore slot, in which order, what the
// workflow status says meanwhile, and how state comes back after a controller restart.
import { describe, expect, it } from 'vitest';
import { SyncManager } from '../../../src/controller/sync/index.js';
import { ensureSection, lockWaiting } from '../../../src/controller/sync/status.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import type { Synchronization } from '../../../src/model/template.js';
import type { Workflow } from '../../../src/model/workflow.js';

function wf(
  name: string,
  opts: { created?: string; priority?: number; sync?: Synchronization } = {},
): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: 'default', creationTimestamp: opts.created ?? '2024-01-01T00:00:00Z' },
    spec: { entrypoint: 'main', priority: opts.priority, synchronization: opts.sync },
    status: {},
  };
}

function setup(configMaps: ConfigMap[] = []) {
  const cms = new Map(configMaps.map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c]));
  const woken: string[][] = [];
  const sm = new SyncManager({
    getConfigMap: (ns, name) => cms.get(`${ns}/${name}`),
    onLockReleased: (keys) => woken.push(keys),
  });
  return { sm, woken, cms };
}

function limitMap(limit: string, name = 'my-config', key = 'template'): ConfigMap {
  return { metadata: { name, namespace: 'default' }, data: { [key]: limit } };
}

const MUTEX: Synchronization = { mutexes: [{ name: 'welcome' }] };
const SEMAPHORE: Synchronization = {
  semaphores: [{ configMapKeyRef: { name: 'my-config', key: 'template' } }],
};

describe('mutex', () => {
  it('is held by one node at a time across workflows and nodes of one workflow', () => {
    const { sm, woken } = setup();
    const a = wf('a', { created: '2024-01-01T00:00:00Z' });
    const b = wf('b', { created: '2024-01-01T00:00:05Z' });

    expect(sm.tryAcquire(a, 'a-1', MUTEX)).toEqual({
      acquired: true,
      updated: true,
      message: '',
      failedLockName: '',
    });
    expect(a.status?.synchronization).toEqual({
      mutex: { holding: [{ mutex: 'default/Mutex/welcome', holder: 'default/a/a-1' }] },
    });

    const other = sm.tryAcquire(b, 'b-1', MUTEX);
    expect(other).toEqual({
      acquired: false,
      updated: true,
      message: 'Waiting for default/Mutex/welcome lock. Lock status: 0/1',
      failedLockName: 'default/Mutex/welcome',
    });
    expect(b.status?.synchronization).toEqual({
      mutex: { waiting: [{ mutex: 'default/Mutex/welcome', holder: 'default/a/a-1' }] },
    });
    // A second node of the holding workflow waits too.
    expect(sm.tryAcquire(a, 'a-2', MUTEX).acquired).toBe(false);
    // Asking again while holding is not a new acquisition.
    expect(sm.tryAcquire(a, 'a-1', MUTEX)).toMatchObject({ acquired: true, updated: false });

    sm.release(a, 'a-1', MUTEX);
    // The holding entry goes; the waiting entry a-2 left stays until it acquires (as Argo keeps it).
    expect(a.status?.synchronization).toEqual({
      mutex: { waiting: [{ mutex: 'default/Mutex/welcome', holder: 'default/a/a-1' }] },
    });
    // Workflow a is older, so its waiting node is first in line and is the one woken.
    expect(woken.at(-1)).toEqual(['default/a']);
    expect(sm.tryAcquire(b, 'b-1', MUTEX).acquired).toBe(false);
    expect(sm.tryAcquire(a, 'a-2', MUTEX).acquired).toBe(true);
    sm.release(a, 'a-2', MUTEX);
    expect(woken.at(-1)).toEqual(['default/b']);
    expect(sm.tryAcquire(b, 'b-1', MUTEX).acquired).toBe(true);
    expect(sm.holders('default/Mutex/welcome')).toEqual(['default/b/b-1']);
  });

  it('takes all locks of one synchronization block or none', () => {
    const { sm } = setup();
    const a = wf('a');
    const b = wf('b');
    expect(sm.tryAcquire(a, 'x', { mutexes: [{ name: 'two' }] }).acquired).toBe(true);
    const both: Synchronization = { mutexes: [{ name: 'one' }, { name: 'two' }] };
    const r = sm.tryAcquire(b, 'y', both);
    expect(r).toMatchObject({ acquired: false, failedLockName: 'default/Mutex/two' });
    expect(sm.holders('default/Mutex/one')).toEqual([]);
    sm.release(a, 'x', { mutexes: [{ name: 'two' }] });
    expect(sm.tryAcquire(b, 'y', both).acquired).toBe(true);
    expect(b.status?.synchronization?.mutex?.holding).toEqual([
      { mutex: 'default/Mutex/one', holder: 'default/b/y' },
      { mutex: 'default/Mutex/two', holder: 'default/b/y' },
    ]);
  });

  it('uses the mutex namespace when given', () => {
    const { sm } = setup();
    const a = wf('a');
    sm.tryAcquire(a, '', { mutexes: [{ name: 'm', namespace: 'other' }] });
    expect(a.status?.synchronization?.mutex?.holding).toEqual([
      { mutex: 'other/Mutex/m', holder: 'default/a' },
    ]);
  });
});

describe('workflow-level locks', () => {
  it('records holder and waiter in status and frees everything on releaseAll', () => {
    const { sm, woken } = setup();
    const sync: Synchronization = { mutexes: [{ name: 'test' }] };
    const a = wf('a', { sync });
    const b = wf('b', { sync, created: '2024-01-01T00:01:00Z' });
    expect(sm.tryAcquire(a, '', sync).acquired).toBe(true);
    expect(a.status?.synchronization?.mutex?.holding).toEqual([
      { mutex: 'default/Mutex/test', holder: 'default/a' },
    ]);
    const r = sm.tryAcquire(b, '', sync);
    expect(r.message).toBe('Waiting for default/Mutex/test lock. Lock status: 0/1');
    expect(b.status?.synchronization?.mutex?.waiting).toEqual([
      { mutex: 'default/Mutex/test', holder: 'default/a' },
    ]);

    sm.releaseAll(a);
    expect(a.status?.synchronization).toBeUndefined();
    expect(woken.at(-1)).toEqual(['default/b']);
    expect(sm.tryAcquire(b, '', sync).acquired).toBe(true);
  });

  it('takes a deleted waiter out of line', () => {
    const { sm } = setup();
    const a = wf('a');
    const b = wf('b', { created: '2024-01-01T00:00:01Z' });
    const c = wf('c', { created: '2024-01-01T00:00:02Z' });
    sm.tryAcquire(a, '', MUTEX);
    sm.tryAcquire(b, 'n', MUTEX);
    sm.tryAcquire(c, '', MUTEX);
    expect(sm.waiters('default/Mutex/welcome')).toEqual(['default/b/n', 'default/c']);
    sm.releaseAll(structuredClone(b));
    expect(sm.waiters('default/Mutex/welcome')).toEqual(['default/c']);
  });
});

describe('semaphore', () => {
  it('lets two of three holders in with a limit of 2', () => {
    const { sm, woken } = setup([limitMap('2')]);
    const a = wf('a');
    expect(sm.tryAcquire(a, 'n1', SEMAPHORE).acquired).toBe(true);
    expect(sm.tryAcquire(a, 'n2', SEMAPHORE).acquired).toBe(true);
    const third = sm.tryAcquire(a, 'n3', SEMAPHORE);
    expect(third).toEqual({
      acquired: false,
      updated: true,
      message: 'Waiting for default/ConfigMap/my-config/template lock. Lock status: 0/2',
      failedLockName: 'default/ConfigMap/my-config/template',
    });
    expect(a.status?.synchronization?.semaphore).toEqual({
      holding: [
        { semaphore: 'default/ConfigMap/my-config/template', holders: ['default/a/n1', 'default/a/n2'] },
      ],
      waiting: [
        { semaphore: 'default/ConfigMap/my-config/template', holders: ['default/a/n1', 'default/a/n2'] },
      ],
    });
    sm.release(a, 'n1', SEMAPHORE);
    expect(woken.at(-1)).toEqual(['default/a']);
    expect(sm.tryAcquire(a, 'n3', SEMAPHORE).acquired).toBe(true);
    expect(sm.holders('default/ConfigMap/my-config/template')).toEqual(['default/a/n2', 'default/a/n3']);
  });

  it('fails with a clear error when the limit cannot be read', () => {
    const missing = setup().sm.tryAcquire(wf('a'), '', SEMAPHORE);
    expect(missing).toMatchObject({
      acquired: false,
      failedLockName: 'default/ConfigMap/my-config/template',
      error:
        'failed to initialize semaphore default/ConfigMap/my-config/template with limit: configmaps "my-config" not found',
    });
    const noKey = setup([limitMap('2', 'my-config', 'other')]).sm.tryAcquire(wf('a'), '', SEMAPHORE);
    expect(noKey.error).toBe(
      "failed to initialize semaphore default/ConfigMap/my-config/template with limit: Sync configuration key 'template' not found in ConfigMap",
    );
    const bad = setup([limitMap('two')]).sm.tryAcquire(wf('a'), '', SEMAPHORE);
    expect(bad.error).toBe(
      'failed to initialize semaphore default/ConfigMap/my-config/template with limit: strconv.Atoi: parsing "two": invalid syntax',
    );
  });

  it('refuses database locks without a synchronization database', () => {
    const { sm } = setup();
    const r = sm.tryAcquire(wf('a'), '', { semaphores: [{ database: { key: 'sem' } }] });
    expect(r.acquired).toBe(false);
    expect(r.failedLockName).toBe('default/Database/sem');
    expect(r.error).toMatch(
      /^database session is not available for semaphore default\/Database\/sem: .*synchronization database/,
    );
    expect(sm.tryAcquire(wf('a'), '', { mutexes: [{ name: 'm', database: true }] }).error).toMatch(
      /^database session is not available for mutex default\/Database\/m/,
    );
  });

  it('refuses an invalid block', () => {
    const { sm } = setup();
    expect(sm.tryAcquire(wf('a'), '', { mutexes: [{ name: 'm' }, { name: 'm' }] }).error).toBe(
      'requested configuration is invalid: duplicate synchronization item found',
    );
  });

  it('follows limit changes in the ConfigMap', () => {
    const { sm, woken, cms } = setup([limitMap('1')]);
    const a = wf('a');
    expect(sm.tryAcquire(a, 'n1', SEMAPHORE).acquired).toBe(true);
    expect(sm.tryAcquire(a, 'n2', SEMAPHORE).acquired).toBe(false);
    expect(sm.tryAcquire(a, 'n3', SEMAPHORE).acquired).toBe(false);
    const raised = limitMap('3');
    cms.set('default/my-config', raised);
    woken.length = 0;
    sm.configMapChanged(raised);
    expect(woken).toEqual([['default/a']]);
    expect(sm.tryAcquire(a, 'n2', SEMAPHORE).acquired).toBe(true);
    expect(sm.tryAcquire(a, 'n3', SEMAPHORE).acquired).toBe(true);

    // Lowered below the holders: nobody new gets in until enough have left.
    cms.set('default/my-config', limitMap('1'));
    expect(sm.tryAcquire(a, 'n4', SEMAPHORE).message).toBe(
      'Waiting for default/ConfigMap/my-config/template lock. Lock status: -2/1',
    );
    sm.release(a, 'n1', SEMAPHORE);
    sm.release(a, 'n2', SEMAPHORE);
    expect(sm.tryAcquire(a, 'n4', SEMAPHORE).acquired).toBe(false);
    sm.release(a, 'n3', SEMAPHORE);
    expect(sm.tryAcquire(a, 'n4', SEMAPHORE).acquired).toBe(true);
  });
});

describe('priority', () => {
  it('serves higher spec.priority first, then older workflows', () => {
    const { sm, woken } = setup();
    const holder = wf('holder');
    const oldLow = wf('old-low', { created: '2024-01-01T00:00:01Z', priority: 1 });
    const newHigh = wf('new-high', { created: '2024-01-01T00:00:09Z', priority: 5 });
    const oldHigh = wf('old-high', { created: '2024-01-01T00:00:02Z', priority: 5 });
    sm.tryAcquire(holder, '', MUTEX);
    for (const w of [oldLow, newHigh, oldHigh]) expect(sm.tryAcquire(w, '', MUTEX).acquired).toBe(false);
    expect(sm.waiters('default/Mutex/welcome')).toEqual([
      'default/old-high',
      'default/new-high',
      'default/old-low',
    ]);

    sm.releaseAll(holder);
    expect(woken.at(-1)).toEqual(['default/old-high']);
    // Others asking first do not jump the line.
    expect(sm.tryAcquire(oldLow, '', MUTEX).acquired).toBe(false);
    expect(sm.tryAcquire(newHigh, '', MUTEX).acquired).toBe(false);
    expect(sm.tryAcquire(oldHigh, '', MUTEX).acquired).toBe(true);
    sm.releaseAll(oldHigh);
    expect(woken.at(-1)).toEqual(['default/new-high']);
    expect(sm.tryAcquire(newHigh, '', MUTEX).acquired).toBe(true);
  });

  it('wakes the first in line when someone behind it finds the lock free', () => {
    const { sm, woken } = setup();
    const a = wf('a', { created: '2024-01-01T00:00:01Z' });
    const b = wf('b', { created: '2024-01-01T00:00:02Z' });
    const holder = wf('h');
    sm.tryAcquire(holder, '', MUTEX);
    sm.tryAcquire(a, '', MUTEX);
    sm.tryAcquire(b, '', MUTEX);
    sm.releaseAll(holder);
    woken.length = 0;
    expect(sm.tryAcquire(b, '', MUTEX).acquired).toBe(false);
    expect(woken).toEqual([['default/a']]);
  });
});

describe('restore after a controller restart', () => {
  it('takes recorded holders and waiters back in from workflow statuses', () => {
    const before = setup([limitMap('1')]);
    const a = wf('a', { created: '2024-01-01T00:00:01Z' });
    const b = wf('b', { created: '2024-01-01T00:00:02Z' });
    a.status!.phase = 'Running';
    b.status!.phase = 'Running';
    expect(before.sm.tryAcquire(a, 'a-1', MUTEX).acquired).toBe(true);
    expect(before.sm.tryAcquire(a, 'a-2', SEMAPHORE).acquired).toBe(true);
    expect(before.sm.tryAcquire(b, 'b-1', MUTEX).acquired).toBe(false);
    b.status!.nodes = {
      'b-1': {
        id: 'b-1',
        name: 'b[0].x',
        type: 'Pod',
        phase: 'Pending',
        synchronizationStatus: { waiting: 'default/Mutex/welcome' },
      },
    };

    const after = setup([limitMap('1')]);
    after.sm.restore([structuredClone(a), structuredClone(b)]);
    expect(after.sm.holders('default/Mutex/welcome')).toEqual(['default/a/a-1']);
    expect(after.sm.holders('default/ConfigMap/my-config/template')).toEqual(['default/a/a-2']);
    expect(after.sm.waiters('default/Mutex/welcome')).toEqual(['default/b/b-1']);

    // A newer workflow asking first after the restart still queues behind b.
    const c = wf('c', { created: '2024-01-01T00:00:03Z' });
    expect(after.sm.tryAcquire(c, '', MUTEX).acquired).toBe(false);
    expect(after.sm.tryAcquire(c, '', SEMAPHORE).acquired).toBe(false);
    after.sm.release(a, 'a-1', MUTEX);
    expect(after.sm.tryAcquire(c, '', MUTEX).acquired).toBe(false);
    expect(after.sm.tryAcquire(b, 'b-1', MUTEX).acquired).toBe(true);
  });

  it('upgrades holder names recorded by Argo v3.5 and skips finished workflows', () => {
    const { sm } = setup();
    const a = wf('a', { sync: { mutexes: [{ name: 'wf-lock' }] } });
    a.status = {
      phase: 'Running',
      synchronization: {
        mutex: {
          holding: [
            { mutex: 'default/Mutex/wf-lock', holder: 'a' },
            { mutex: 'default/Mutex/welcome', holder: 'a-123' },
          ],
        },
      },
    };
    const done = wf('done');
    done.status = {
      phase: 'Succeeded',
      synchronization: { mutex: { holding: [{ mutex: 'default/Mutex/x', holder: 'default/done' }] } },
    };
    sm.restore([a, done]);
    expect(sm.holders('default/Mutex/wf-lock')).toEqual(['default/a']);
    expect(sm.holders('default/Mutex/welcome')).toEqual(['default/a/a-123']);
    expect(sm.holders('default/Mutex/x')).toEqual([]);
  });

  it('keeps a restored semaphore closed while its ConfigMap is missing', () => {
    const { sm, cms } = setup();
    const a = wf('a');
    a.status = {
      phase: 'Running',
      synchronization: {
        semaphore: {
          holding: [{ semaphore: 'default/ConfigMap/my-config/template', holders: ['default/a/n'] }],
        },
      },
    };
    sm.restore([a]);
    expect(sm.holders('default/ConfigMap/my-config/template')).toEqual(['default/a/n']);
    expect(sm.tryAcquire(wf('b'), '', SEMAPHORE).message).toBe(
      'Failed to get semaphore limit for default/ConfigMap/my-config/template',
    );
    cms.set('default/my-config', limitMap('2'));
    expect(sm.tryAcquire(wf('b'), '', SEMAPHORE).acquired).toBe(true);
  });
});

// `updated` decides whether the operator writes the workflow: a template-level node waiting for a
// lock asks again on every pass, and a pass that only repeats the status must not count as a change.
describe('updated', () => {
  const status = (w: Workflow): string => JSON.stringify(w.status);

  it('is false when a waiting node asks again and the status stays as it was', () => {
    for (const lock of [SEMAPHORE, MUTEX]) {
      const { sm } = setup([limitMap('1')]);
      const a = wf('a');
      const b = wf('b');
      expect(sm.tryAcquire(a, 'a-1', lock)).toMatchObject({ acquired: true, updated: true });
      expect(sm.tryAcquire(b, 'b-1', lock)).toMatchObject({ acquired: false, updated: true });
      const before = status(b);
      expect(sm.tryAcquire(b, 'b-1', lock)).toMatchObject({ acquired: false, updated: false });
      expect(status(b)).toBe(before);
      expect(sm.tryAcquire(a, 'a-1', lock)).toMatchObject({ acquired: true, updated: false });
    }
  });

  it('is true when the holders a waiting node sees have changed, and when it gets the lock', () => {
    const { sm } = setup([limitMap('1')]);
    const a = wf('a');
    const b = wf('b', { created: '2024-01-01T00:00:05Z' });
    const c = wf('c', { created: '2024-01-01T00:00:09Z' });
    sm.tryAcquire(a, '', SEMAPHORE);
    sm.tryAcquire(b, '', SEMAPHORE);
    sm.tryAcquire(c, '', SEMAPHORE);
    sm.releaseAll(structuredClone(a));
    expect(sm.tryAcquire(b, '', SEMAPHORE)).toMatchObject({ acquired: true, updated: true });
    const before = status(c);
    expect(sm.tryAcquire(c, '', SEMAPHORE)).toMatchObject({ acquired: false, updated: true });
    expect(status(c)).not.toBe(before);
    expect(c.status?.synchronization?.semaphore?.waiting).toEqual([
      { semaphore: 'default/ConfigMap/my-config/template', holders: ['default/b'] },
    ]);
  });

  it('is true when only the empty section for the lock type is added', () => {
    const w = wf('a');
    expect(lockWaiting(w, 'mutex', 'default/Mutex/m', [])).toBe(true);
    expect(w.status?.synchronization).toEqual({ mutex: {} });
    expect(lockWaiting(w, 'mutex', 'default/Mutex/m', [])).toBe(false);
    expect(ensureSection(w, 'semaphore')).toBe(true);
    expect(ensureSection(w, 'semaphore')).toBe(false);
    expect(w.status?.synchronization).toEqual({ mutex: {}, semaphore: {} });
  });
});
