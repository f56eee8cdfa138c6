// Leader election over any ResourceStore, with a coordination.k8s.io/v1 Lease object, so that a
// controller embedded in the CLI and a detached one never run at the same time. Every change is an
// update conditioned on the resourceVersion that was read: of two contenders only one can win.
import type { KubeObject } from '../model/meta.js';
import { AlreadyExistsError, ConflictError, NotFoundError, type ResourceStore } from './types.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** RFC3339 with microseconds (Kubernetes MicroTime). */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export const LEASE_NAMESPACE = 'argo';

export interface LeaseOptions {
  name: string;
  /** Who is asking: unique per contender, e.g. `${hostname}-${pid}`. */
  holder: string;
  durationSeconds: number;
  /** Default 'argo'. */
  namespace?: string;
  /** The clock; tests pass their own. */
  now?: () => Date;
}

/** Kubernetes MicroTime: `2026-11-27T18:43:43.123456Z`. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function isWriteRace(err: unknown): boolean {
  return err instanceof ConflictError || err instanceof AlreadyExistsError || err instanceof NotFoundError;
}

/** The current holder, or undefined when the lease is free, released or expired at `now`. */
export function leaseHolder(lease: Lease | undefined, now: Date = new Date()): string | undefined {
  const spec = lease?.spec;
  if (!spec?.holderIdentity) return undefined;
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  if (Number.isNaN(renewed)) return undefined;
  const expires = renewed + (spec.leaseDurationSeconds ?? 0) * 1000;
  return now.getTime() < expires ? spec.holderIdentity : undefined;
}

export async function readLease(
  store: ResourceStore,
  name: string,
  namespace = LEASE_NAMESPACE,
): Promise<Lease | undefined> {
  return store.get<Lease>('Lease', namespace, name);
}

/**
 * Takes the lease when it is free, expired or already ours (then it is renewed). Resolves true when
 * `holder` holds it afterwards, false when someone else does or won the race.
 */
export async function acquireLease(store: ResourceStore, opts: LeaseOptions): Promise<boolean> {
  const namespace = opts.namespace ?? LEASE_NAMESPACE;
  const now = (opts.now ?? (() => new Date()))();
  const stamp = microTime(now);
  const current = await readLease(store, opts.name, namespace);
  try {
    if (!current) {
      await store.create<Lease>('Lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: opts.name, namespace },
        spec: {
          holderIdentity: opts.holder,
          leaseDurationSeconds: opts.durationSeconds,
          acquireTime: stamp,
          renewTime: stamp,
          leaseTransitions: 0,
        },
      });
      return true;
    }
    const spec = current.spec ?? {};
    const holder = leaseHolder(current, now);
    if (holder !== undefined && holder !== opts.holder) return false;
    const ours = spec.holderIdentity === opts.holder;
    await store.update<Lease>('Lease', {
      ...current,
      spec: {
        ...spec,
        holderIdentity: opts.holder,
        leaseDurationSeconds: opts.durationSeconds,
        acquireTime: ours ? spec.acquireTime : stamp,
        renewTime: stamp,
        // As client-go counts them: every change of holder, including taking a released lease.
        leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
      },
    });
    return true;
  } catch (err) {
    if (isWriteRace(err)) return false;
    throw err;
  }
}

/** Extends our hold. False when the lease is no longer ours (taken over, released, or deleted). */
export async function renewLease(store: ResourceStore, opts: LeaseOptions): Promise<boolean> {
  const namespace = opts.namespace ?? LEASE_NAMESPACE;
  const now = (opts.now ?? (() => new Date()))();
  const current = await readLease(store, opts.name, namespace);
  if (current?.spec?.holderIdentity !== opts.holder) return false;
  try {
    await store.update<Lease>('Lease', {
      ...current,
      spec: { ...current.spec, leaseDurationSeconds: opts.durationSeconds, renewTime: microTime(now) },
    });
    return true;
  } catch (err) {
    if (isWriteRace(err)) return false;
    throw err;
  }
}

/** Gives the lease up so another contender need not wait for it to expire. False when it was not ours. */
export async function releaseLease(
  store: ResourceStore,
  opts: Pick<LeaseOptions, 'name' | 'holder' | 'namespace' | 'now'>,
): Promise<boolean> {
  const namespace = opts.namespace ?? LEASE_NAMESPACE;
  const now = (opts.now ?? (() => new Date()))();
  const current = await readLease(store, opts.name, namespace);
  if (current?.spec?.holderIdentity !== opts.holder) return false;
  const { holderIdentity: _dropped, ...rest } = current.spec;
  try {
    // As client-go does on release: no holder, and a 1s duration so any reader sees it free.
    await store.update<Lease>('Lease', {
      ...current,
      spec: { ...rest, leaseDurationSeconds: 1, renewTime: microTime(now) },
    });
    return true;
  } catch (err) {
    if (isWriteRace(err)) return false;
    throw err;
  }
}

export interface LeaderElectorOptions extends Omit<LeaseOptions, 'now'> {
  /** How often to renew (or retry acquiring). Default durationSeconds / 3. */
  retryPeriodMs?: number;
  /**
   * Called when a renew or acquire attempt throws, once per streak of such attempts (the first):
   * a store that cannot be written fails every attempt until it can. Leadership is given up once
   * renews have failed past the renew deadline.
   */
  onError?: (err: Error) => void;
}

/**
 * Contends for a lease until stopped: calls onStartedLeading when it takes the lease and
 * onStoppedLeading when it loses it (or on stop() while leading). After losing, it keeps contending.
 */
export class LeaderElector {
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private lastRenew = 0;
  /** The last attempt threw: the next that throws is not reported again. */
  private failing = false;
  private running = false;
  private tick: Promise<void> = Promise.resolve();
  private onStarted: () => void = () => {};
  private onStopped: () => void = () => {};

  constructor(
    private readonly store: ResourceStore,
    private readonly opts: LeaderElectorOptions,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  start(onStartedLeading: () => void, onStoppedLeading: () => void): void {
    if (this.running) return;
    this.running = true;
    this.onStarted = onStartedLeading;
    this.onStopped = onStoppedLeading;
    const period = this.opts.retryPeriodMs ?? Math.max(10, (this.opts.durationSeconds * 1000) / 3);
    this.schedule(0, period);
  }

  /** Stops contending; releases the lease when held. Resolves once released. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.tick;
    if (this.leading) {
      this.leading = false;
      try {
        await releaseLease(this.store, this.opts);
      } catch (err) {
        this.opts.onError?.(err as Error);
      }
      this.notify(this.onStopped);
    }
  }

  private schedule(delay: number, period: number): void {
    // Unref'd: the elector alone must not keep a process alive.
    this.timer = setTimeout(() => {
      this.tick = this.attempt().finally(() => {
        if (this.running) this.schedule(period, period);
      });
    }, delay).unref();
  }

  private async attempt(): Promise<void> {
    let held: boolean;
    try {
      held = this.leading
        ? await renewLease(this.store, this.opts)
        : await acquireLease(this.store, this.opts);
      if (held) this.lastRenew = Date.now();
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.opts.onError?.(err as Error);
      this.failing = true;
      // A store error is not a lost lease: a leader keeps leading until its renew deadline
      // (two thirds of the duration, as client-go's defaults) has passed without a renew.
      held = this.leading && Date.now() - this.lastRenew < (this.opts.durationSeconds * 1000 * 2) / 3;
    }
    if (!this.running) {
      // stop() ran while we were talking to the store: give back what we just took, silently.
      if (held && !this.leading) await releaseLease(this.store, this.opts).catch(() => false);
      return;
    }
    if (held && !this.leading) {
      this.leading = true;
      this.notify(this.onStarted);
    } else if (!held && this.leading) {
      this.leading = false;
      this.notify(this.onStopped);
    }
  }

  /** A throwing callback must not break the renew loop (or become an unhandled rejection). */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (err) {
      if (this.opts.onError) this.opts.onError(err as Error);
      else
        queueMicrotask(() => {
          throw err;
        });
    }
  }
}
