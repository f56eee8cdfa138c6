// A rate-limited work queue, as client-go's util/workqueue behaves. A key is queued at most once
// (the dirty set) and never handed to two workers at once (the processing set): a key added while
// it is being processed is queued again when its worker calls done(). Keys can be added after a
// delay (the earliest pending delay wins) or after a per-key exponential backoff that grows with
// every addRateLimited() until forget(). Workers are loops of get() -> work -> done().
import { backoffDelay, systemTimers, type Backoff, type Timers } from './timers.js';

export interface WorkQueueOptions {
  /** Per-key backoff of addRateLimited(); default 5 ms doubling to 1000 s, as client-go's. */
  backoff?: Backoff;
  timers?: Timers;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiting = new Map<string, { at: number; cancel: () => void }>();
  private readonly requeues = new Map<string, number>();
  private getters: ((key: string | undefined) => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private shuttingDown = false;
  private readonly timers: Timers;
  private readonly backoff: Backoff;

  constructor(opts: WorkQueueOptions = {}) {
    this.timers = opts.timers ?? systemTimers;
    this.backoff = opts.backoff ?? { baseMs: 5, maxMs: 1_000_000 };
  }

  /** Keys queued and not yet handed out. */
  get length(): number {
    return this.queue.length;
  }

  /** Nothing queued and nothing being worked on. */
  get isIdle(): boolean {
    return this.queue.length === 0 && this.processing.size === 0;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    // Being worked on: done() queues it again, so the worker after that sees the newest state.
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.handOut();
  }

  /** Adds the key after `ms`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.timers.now().getTime() + ms;
    const pending = this.waiting.get(key);
    if (pending && pending.at <= at) return;
    pending?.cancel();
    const cancel = this.timers.setTimer(new Date(at), () => {
      if (this.waiting.get(key)?.at === at) this.waiting.delete(key);
      this.add(key);
    });
    this.waiting.set(key, { at, cancel });
  }

  /** Adds the key after its backoff, which doubles with every call until forget(). */
  addRateLimited(key: string): void {
    const n = (this.requeues.get(key) ?? 0) + 1;
    this.requeues.set(key, n);
    this.addAfter(key, backoffDelay(this.backoff, n));
  }

  /** The key's work succeeded: its backoff starts over. */
  forget(key: string): void {
    this.requeues.delete(key);
  }

  numRequeues(key: string): number {
    return this.requeues.get(key) ?? 0;
  }

  /** The next key to work on; undefined once the queue is shut down and has nothing left to give. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined) return Promise.resolve(key);
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** The worker is finished with the key; one added meanwhile is queued again now. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.queue.push(key);
      this.handOut();
    }
    this.checkIdle();
  }

  /** Resolves when nothing is queued or being worked on (delayed adds not yet due do not count). */
  idle(): Promise<void> {
    if (this.isIdle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops taking keys. With `drain`, keys already queued are still handed out (client-go's
   * ShutDownWithDrain); without, they are dropped. Either way, delayed adds are cancelled, and the
   * returned promise resolves once no key is being worked on.
   */
  shutDown(opts: { drain?: boolean } = {}): Promise<void> {
    this.shuttingDown = true;
    for (const w of this.waiting.values()) w.cancel();
    this.waiting.clear();
    if (!opts.drain) {
      // Keys re-added while being worked on are dropped too: done() finds them clean.
      this.dirty.clear();
      this.queue.length = 0;
    }
    if (this.queue.length === 0) {
      const getters = this.getters;
      this.getters = [];
      for (const g of getters) g(undefined);
    }
    return this.idle();
  }

  // -------------------------------------------------------------------------------------------

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private handOut(): void {
    while (this.getters.length > 0 && this.queue.length > 0) this.getters.shift()!(this.take());
    if (this.shuttingDown && this.queue.length === 0) {
      const getters = this.getters;
      this.getters = [];
      for (const g of getters) g(undefined);
    }
  }

  private checkIdle(): void {
    if (!this.isIdle) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

/**
 * Runs `n` workers over the queue until it is shut down and empty. `work` decides about retries
 * (addRateLimited/forget); an error it throws goes to `onError` and the key is done all the same.
 */
export function runWorkers(
  queue: WorkQueue,
  n: number,
  work: (key: string) => Promise<void>,
  onError: (err: unknown, key: string) => void,
): Promise<void> {
  const worker = async (): Promise<void> => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await work(key);
      } catch (err) {
        onError(err, key);
      } finally {
        queue.done(key);
      }
    }
  };
  return Promise.all(Array.from({ length: Math.max(1, n) }, worker)).then(() => undefined);
}
