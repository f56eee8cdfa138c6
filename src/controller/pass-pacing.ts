// When a workflow's next pass may start. A pass operates on and writes the whole workflow, so a
// pass over a wide fan-out costs in proportion to its size; started as soon as the next pod event
// comes, such passes each take the few pods that finished meanwhile, and their number grows with
// the size too (a cost per node that grows with N). A workflow whose last operation was costly
// waits as long again before its next pass, so pods finish and report in the meantime and one
// pass takes them together; small workflows (cheap passes) are never held.

export interface PassPacingOptions {
  /** Passes that cost no more than this hold nothing back. */
  freeMs: number;
  /** The longest a workflow's next pass is held back. */
  maxHoldMs: number;
}

export class PassPacing {
  /** Per workflow key: the time (performance.now()) before which its next pass should not start. */
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly opts: PassPacingOptions) {}

  /** A pass over `key` whose operation cost `costMs` (CPU time) ended at `endMs`. */
  passed(key: string, endMs: number, costMs: number): void {
    if (costMs <= this.opts.freeMs) this.notBefore.delete(key);
    else this.notBefore.set(key, endMs + Math.min(costMs, this.opts.maxHoldMs));
  }

  /** When `key`'s next pass may start; at or before `nowMs` means now. */
  dueAt(key: string, nowMs: number): number {
    const at = this.notBefore.get(key);
    if (at === undefined) return nowMs;
    if (at <= nowMs) {
      this.notBefore.delete(key);
      return nowMs;
    }
    return at;
  }

  /** The workflow is gone (deleted or done): nothing of it is kept. */
  forget(key: string): void {
    this.notBefore.delete(key);
  }
}
