import { describe, expect, it } from 'vitest';
import {
  acquireLease,
  LeaderElector,
  leaseHolder,
  microTime,
  readLease,
  releaseLease,
  renewLease,
} from '../../../src/store/lease.js';
import { StoreError } from '../../../src/store/types.js';
import { openTempStore, tempDir, waitFor } from './helpers.js';

describe('lease functions', () => {
  it('lets only one of two concurrent contenders win', async () => {
    const dir = tempDir();
    for (let round = 0; round < 20; round++) {
      const a = openTempStore({}, dir);
      const b = openTempStore({}, dir);
      const name = `race-${round}`;
      const wins = await Promise.all([
        acquireLease(a, { name, holder: 'a', durationSeconds: 10 }),
        acquireLease(b, { name, holder: 'b', durationSeconds: 10 }),
      ]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const lease = await readLease(a, name);
      expect(lease?.spec?.holderIdentity).toBe(wins[0] ? 'a' : 'b');
    }
  });

  it('lets only one of two contenders take over an expired lease', async () => {
    const dir = tempDir();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => new Date(clock);
    const a = openTempStore({}, dir);
    const b = openTempStore({}, dir);
    expect(await acquireLease(a, { name: 'ctl', holder: 'old', durationSeconds: 5, now })).toBe(true);
    for (let round = 0; round < 10; round++) {
      clock += 10_000;
      const wins = await Promise.all([
        acquireLease(a, { name: 'ctl', holder: `a${round}`, durationSeconds: 5, now }),
        acquireLease(b, { name: 'ctl', holder: `b${round}`, durationSeconds: 5, now }),
      ]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await readLease(a, 'ctl'))?.spec?.leaseTransitions).toBe(round + 1);
    }
  });

  it('creates a coordination.k8s.io/v1 Lease in the argo namespace', async () => {
    const store = openTempStore();
    const now = new Date('2026-11-27T18:43:43.123Z');
    expect(
      await acquireLease(store, { name: 'ctl', holder: 'me', durationSeconds: 15, now: () => now }),
    ).toBe(true);
    const lease = await store.get('Lease', 'argo', 'ctl');
    expect(lease).toMatchObject({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'ctl', namespace: 'argo' },
      spec: {
        holderIdentity: 'me',
        leaseDurationSeconds: 15,
        acquireTime: '2026-11-27T18:43:43.123000Z',
        renewTime: '2026-11-27T18:43:43.123000Z',
        leaseTransitions: 0,
      },
    });
  });

  it('is taken over only after it expires, counting transitions', async () => {
    const store = openTempStore();
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const now = () => new Date(clock);
    const a = { name: 'ctl', holder: 'a', durationSeconds: 10, now };
    const b = { ...a, holder: 'b' };
    expect(await acquireLease(store, a)).toBe(true);
    clock += 5_000;
    expect(await acquireLease(store, b)).toBe(false);
    expect(await renewLease(store, a)).toBe(true);
    clock += 9_000; // 9s after the renew: still held
    expect(await acquireLease(store, b)).toBe(false);
    expect(leaseHolder(await readLease(store, 'ctl'), now())).toBe('a');
    clock += 2_000; // 11s after the renew: expired
    expect(leaseHolder(await readLease(store, 'ctl'), now())).toBeUndefined();
    expect(await acquireLease(store, b)).toBe(true);
    const lease = await readLease(store, 'ctl');
    expect(lease?.spec).toMatchObject({
      holderIdentity: 'b',
      leaseTransitions: 1,
      acquireTime: microTime(now()),
    });
    // The old holder learns it lost.
    expect(await renewLease(store, a)).toBe(false);
    expect(await releaseLease(store, a)).toBe(false);
    // Re-acquiring our own lease renews it without a transition.
    clock += 1_000;
    expect(await acquireLease(store, b)).toBe(true);
    expect((await readLease(store, 'ctl'))?.spec?.leaseTransitions).toBe(1);
  });

  it('is free at once after release', async () => {
    const store = openTempStore();
    const a = { name: 'ctl', holder: 'a', durationSeconds: 60 };
    expect(await acquireLease(store, a)).toBe(true);
    expect(await releaseLease(store, a)).toBe(true);
    expect(leaseHolder(await readLease(store, 'ctl'))).toBeUndefined();
    expect(await acquireLease(store, { ...a, holder: 'b' })).toBe(true);
    expect((await readLease(store, 'ctl'))?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });
});

describe('LeaderElector', () => {
  function elector(store: ReturnType<typeof openTempStore>, holder: string, durationSeconds = 1) {
    const log: string[] = [];
    const e = new LeaderElector(store, { name: 'controller', holder, durationSeconds, retryPeriodMs: 50 });
    e.start(
      () => log.push('started'),
      () => log.push('stopped'),
    );
    return { e, log };
  }

  it('hands over on stop() without waiting for expiry', async () => {
    const dir = tempDir();
    const a = elector(openTempStore({}, dir), 'a', 30);
    await waitFor(() => a.e.isLeader, 2000, 'a to lead');
    const b = elector(openTempStore({}, dir), 'b', 30);
    await new Promise((r) => setTimeout(r, 200));
    expect(b.e.isLeader).toBe(false);
    await a.e.stop();
    expect(a.log).toEqual(['started', 'stopped']);
    await waitFor(() => b.e.isLeader, 2000, 'b to lead');
    expect(b.log).toEqual(['started']);
    await b.e.stop();
  });

  it('takes over from a holder that stopped renewing once the lease expires', async () => {
    const dir = tempDir();
    const store = openTempStore({}, dir);
    // A crashed holder: it took the lease and never renews.
    expect(await acquireLease(store, { name: 'controller', holder: 'ghost', durationSeconds: 1 })).toBe(true);
    const started = Date.now();
    const b = elector(openTempStore({}, dir), 'b', 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.e.isLeader).toBe(false);
    await waitFor(() => b.e.isLeader, 3000, 'b to lead');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await b.e.stop();
  });

  it('keeps the lease while renewing, and notices when it is taken', async () => {
    const dir = tempDir();
    const store = openTempStore({}, dir);
    const a = elector(store, 'a', 1);
    await waitFor(() => a.e.isLeader, 2000, 'a to lead');
    // Longer than the duration: renewals keep it.
    await new Promise((r) => setTimeout(r, 1300));
    expect(leaseHolder(await readLease(store, 'controller'))).toBe('a');
    expect(a.log).toEqual(['started']);
    // Someone overrides the holder (as `kubectl edit` could): a must step down.
    const lease = await readLease(store, 'controller');
    await store.update('Lease', { ...lease!, spec: { ...lease!.spec, holderIdentity: 'intruder' } });
    await waitFor(() => a.log.length === 2, 2000, 'a to step down');
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.e.isLeader).toBe(false);
    await a.e.stop();
    expect(a.log).toEqual(['started', 'stopped']);
  });

  it('reports a store that refuses its writes once per streak of refusals, and steps down', async () => {
    const store = openTempStore({}, tempDir());
    let refusing = false;
    let refused = 0;
    // The store as a full disk leaves it: reads work, every write is refused.
    const full = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if ((prop !== 'update' && prop !== 'create') || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (!refusing) return (value as (...a: unknown[]) => unknown).apply(target, args);
          refused++;
          return Promise.reject(
            new StoreError('writing argo.db: no space left on device', 500, 'InternalError'),
          );
        };
      },
    });
    const errors: string[] = [];
    const log: string[] = [];
    const e = new LeaderElector(full, {
      name: 'controller',
      holder: 'a',
      durationSeconds: 1,
      retryPeriodMs: 20,
      onError: (err) => errors.push(err.message),
    });
    e.start(
      () => log.push('started'),
      () => log.push('stopped'),
    );
    await waitFor(() => e.isLeader, 2000, 'a to lead');
    refusing = true;
    await waitFor(() => log.length === 2 && refused >= 5, 5000, 'a to step down, refused again and again');
    expect(errors).toEqual(['writing argo.db: no space left on device']);
    refusing = false;
    await waitFor(() => e.isLeader, 2000, 'a to lead again');
    // A new streak is a new report.
    refusing = true;
    const before = refused;
    await waitFor(() => refused >= before + 3, 5000, 'refusals again');
    expect(errors).toHaveLength(2);
    refusing = false;
    await e.stop();
  });
});
