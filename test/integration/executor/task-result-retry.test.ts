// A step's outputs reach the controller even when the store refuses the task result for a moment
// (busy, a conflicting write): the write is tried again with a growing pause, and when the store
// never takes it the node fails saying why, instead of losing the outputs or hanging.
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import type { Template } from '../../../src/model/template.js';
import { StoreError, type ResourceKind } from '../../../src/store/types.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { podFor, runPod, startHarness, taskResult, terminated, type Harness } from './harness.js';

const BUSY = () =>
  new StoreError('the store /x/argo.db is busy (another process holds it)', 503, 'ServiceUnavailable');
const CONFLICT = () =>
  new StoreError('Operation cannot be fulfilled on workflowtaskresults.argoproj.io "x"', 409, 'Conflict');
const INVALID = () => new StoreError('WorkflowTaskResult is invalid', 400, 'Invalid');

/** A memory store whose task result writes fail with the given errors, one per write, in order. */
class RefusingStore extends MemoryStore {
  tries = 0;
  constructor(private readonly refusals: (() => Error)[]) {
    super();
  }
  private refuse(kind: ResourceKind): void {
    if (kind !== 'WorkflowTaskResult') return;
    const next = this.refusals[this.tries++];
    if (next) throw next();
  }
  override create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    try {
      this.refuse(kind);
    } catch (err) {
      return Promise.reject(err);
    }
    return super.create(kind, obj);
  }
}

const echoing: Template = {
  name: 't',
  container: { image: 'alpine:3.23', command: ['sh', '-c'], args: ['echo hello > /tmp/out'] },
  outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] },
};

const FAST = { firstDelayMs: 20, factor: 2, maxDelayMs: 200, jitter: 0.2 };

describe('writing a task result the store refuses', () => {
  let h: Harness | undefined;
  const errors: string[] = [];
  afterEach(async () => {
    await h?.close();
    h = undefined;
    errors.length = 0;
  });
  const start = (store: MemoryStore, deadlineMs = 60_000) =>
    startHarness(
      {
        taskResultBackoff: { ...FAST, deadlineMs },
        onError: (err, where) => errors.push(`${where}: ${(err as Error).message}`),
      },
      store,
    );

  it('tries a busy store and a conflict again, and the outputs get there', async () => {
    const store = new RefusingStore([BUSY, CONFLICT, BUSY]);
    h = await start(store);
    const pod = await runPod(h, podFor('retried', echoing));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    expect(store.tries).toBe(4);
    expect((await taskResult(h, pod))?.outputs?.parameters).toEqual([
      expect.objectContaining({ name: 'out', value: 'hello' }),
    ]);
    // Told once for the streak, not once per try.
    expect(errors).toEqual([
      expect.stringMatching(/writing task result wf-retried \(retrying\): the store .* is busy/),
    ]);
  });

  it('fails the node naming the refusal once the deadline passes', async () => {
    const store = new RefusingStore(Array.from({ length: 1000 }, () => BUSY));
    h = await start(store, 300);
    const pod = await runPod(h, podFor('refused', echoing));
    expect(pod.status?.phase).toBe('Failed');
    const wait = terminated(pod, 'wait');
    expect(wait?.exitCode).toBe(64);
    expect(wait?.message).toMatch(
      /^saving the outputs: the store \/x\/argo\.db is busy \(another process holds it\) \(gave up after \d+ tries in \d+\.\ds\)$/,
    );
    expect(store.tries).toBeGreaterThan(1);
    expect(await taskResult(h, pod)).toBeUndefined();
    // The main container itself succeeded: only the outputs were lost.
    expect(terminated(pod, 'main')?.exitCode).toBe(0);
  });

  it('does not try a refusal that cannot pass again', async () => {
    const store = new RefusingStore([INVALID]);
    h = await start(store);
    const pod = await runPod(h, podFor('invalid', echoing));
    expect(pod.status?.phase).toBe('Failed');
    expect(terminated(pod, 'wait')?.message).toBe('saving the outputs: WorkflowTaskResult is invalid');
    expect(store.tries).toBe(1);
  });
});
