import { describe, expect, it } from 'vitest';
import { runWorkers, WorkQueue } from '../../../src/store/informer/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('a');
    expect(await q.get()).toBe('b');
  });

  it('never hands out a key being processed; one added meanwhile comes back after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    expect(await q.get()).toBe('a');
    q.add('a');
    q.add('b');
    expect(await q.get()).toBe('b');
    let got: string | undefined;
    void q.get().then((k) => (got = k));
    await settle();
    expect(got).toBeUndefined();
    q.done('a');
    await settle();
    expect(got).toBe('a');
  });

  it('runs N workers with no key worked on twice at once, and the last add always seen', async () => {
    const q = new WorkQueue();
    const running = new Set<string>();
    let overlap = 0;
    let concurrent = 0;
    let maxConcurrent = 0;
    const version = new Map<string, number>();
    const seen = new Map<string, number>();
    const work = async (k: string): Promise<void> => {
      if (running.has(k)) overlap++;
      running.add(k);
      maxConcurrent = Math.max(maxConcurrent, ++concurrent);
      const v = version.get(k) ?? 0;
      await settle();
      seen.set(k, v);
      running.delete(k);
      concurrent--;
    };
    const workers = runWorkers(q, 4, work, (err) => {
      throw err;
    });
    for (let round = 0; round < 20; round++) {
      for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
        version.set(k, round);
        q.add(k);
      }
      await Promise.resolve();
    }
    await q.idle();
    expect(overlap).toBe(0);
    expect(maxConcurrent).toBe(4);
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) expect(seen.get(k)).toBe(19);
    await q.shutDown();
    await workers;
  });

  it('backs a key off exponentially with each addRateLimited, until forget', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const q = new WorkQueue({ timers: clock, backoff: { baseMs: 5, maxMs: 30 } });
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      q.addRateLimited('a');
      delays.push(clock.nextTimer()!.getTime() - clock.now().getTime());
      await clock.advanceTo(clock.nextTimer()!, settle);
      expect(await q.get()).toBe('a');
      q.done('a');
    }
    expect(delays).toEqual([5, 10, 20, 30, 30]);
    expect(q.numRequeues('a')).toBe(5);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    q.addRateLimited('a');
    expect(clock.nextTimer()!.getTime() - clock.now().getTime()).toBe(5);
  });

  it('adds after a delay, the earliest of several delays winning', async () => {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const q = new WorkQueue({ timers: clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 200);
    q.addAfter('a', 5000);
    expect(q.length).toBe(0);
    await clock.advanceTo(new Date(clock.now().getTime() + 199), settle);
    expect(q.length).toBe(0);
    await clock.advanceTo(new Date(clock.now().getTime() + 1), settle);
    expect(q.length).toBe(1);
    await clock.advanceTo(new Date(clock.now().getTime() + 10_000), settle);
    expect(q.length).toBe(1);
  });

  it('shuts down: waiting workers get nothing, queued keys are dropped or (drain) still handed out', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    await q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('late');
    expect(await q.get()).toBeUndefined();

    const d = new WorkQueue();
    d.add('a');
    d.add('b');
    const first = await d.get();
    const drained = d.shutDown({ drain: true });
    let finished = false;
    void drained.then(() => (finished = true));
    expect(await d.get()).toBe('b');
    d.done('b');
    await settle();
    expect(finished).toBe(false);
    d.done(first!);
    await drained;
    expect(await d.get()).toBeUndefined();
  });
});
