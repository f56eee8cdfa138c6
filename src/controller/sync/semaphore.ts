// One lock: a counting semaphore whose limit is read when needed (a mutex is a semaphore of 1),
// with the holders that have it and the waiters in priority order. Whoever is first in line (or
// another node of the first workflow in line) may take a free slot; the others wait.
import { PriorityQueue } from './priority-queue.js';
import { workflowKeyOfHolder } from './lock-name.js';

export interface CheckResult {
  /** The holder could take the lock now. */
  acquirable: boolean;
  /** The holder already has it. */
  already: boolean;
  /** Why not, for the node or workflow message. */
  message: string;
}

export class PrioritySemaphore {
  /** Holder keys, in the order they took the lock. */
  readonly holders = new Set<string>();
  readonly pending = new PriorityQueue();
  private lastLimit = 0;

  constructor(
    readonly name: string,
    /** Reads the limit now; throws when it cannot be read. */
    private readonly readLimit: () => number,
    /** Asks the controller to operate on a workflow because it may take the lock now. */
    private readonly notify: (workflowKey: string) => void,
  ) {}

  /** The current limit; when it cannot be read, the last one known (a failed read is not a resize to 0). */
  limit(): number {
    try {
      this.lastLimit = this.readLimit();
    } catch {
      // keep the last known limit
    }
    return this.lastLimit;
  }

  addToQueue(holderKey: string, priority: number, creationTime: number): void {
    if (this.holders.has(holderKey)) return;
    this.pending.add(holderKey, priority, creationTime);
  }

  removeFromQueue(holderKey: string): void {
    this.pending.remove(holderKey);
  }

  checkAcquire(holderKey: string): CheckResult {
    const limit = this.limit();
    if (this.holders.has(holderKey)) return { acquirable: false, already: true, message: '' };
    if (limit === 0)
      return { acquirable: false, already: false, message: `Failed to get semaphore limit for ${this.name}` };
    const waiting = `Waiting for ${this.name} lock. Lock status: ${limit - this.holders.size}/${limit}`;
    const front = this.pending.peek();
    if (front && !sameWorkflowAndLevel(holderKey, front.key)) {
      // Someone else is first in line: make sure they get their turn.
      if (this.holders.size < limit) this.notify(workflowKeyOfHolder(front.key));
      return { acquirable: false, already: false, message: waiting };
    }
    if (this.holders.size < limit) return { acquirable: true, already: false, message: '' };
    return { acquirable: false, already: false, message: waiting };
  }

  tryAcquire(holderKey: string): { acquired: boolean; message: string } {
    const check = this.checkAcquire(holderKey);
    if (check.already) return { acquired: true, message: '' };
    if (!check.acquirable) return { acquired: false, message: check.message };
    this.holders.add(holderKey);
    this.pending.remove(holderKey);
    this.notifyWaiters();
    return { acquired: true, message: '' };
  }

  /**
   * Records a holder found in a workflow's status at controller start, even over the limit (the limit
   * may have been lowered while it held the lock): new holders then wait until enough have released.
   */
  reacquire(holderKey: string): void {
    this.holders.add(holderKey);
    this.pending.remove(holderKey);
  }

  /** Returns whether `holderKey` held the lock. */
  release(holderKey: string): boolean {
    if (!this.holders.delete(holderKey)) return false;
    if (this.holders.size < this.limit() && this.pending.length > 0) this.notifyWaiters();
    return true;
  }

  /** Wakes as many waiters, first in line first, as there are free slots. */
  notifyWaiters(): void {
    const free = this.limit() - this.holders.size;
    const waiters = this.pending.items();
    for (let i = 0; i < Math.min(free, waiters.length); i++) this.notify(workflowKeyOfHolder(waiters[i].key));
  }
}

/**
 * Argo lets any node of the workflow at the front of the line in, as long as it waits at the same
 * level (workflow or template) as the front entry.
 */
export function sameWorkflowAndLevel(a: string, b: string): boolean {
  const pa = a.split('/');
  const pb = b.split('/');
  return pa.length === pb.length && pa[0] === pb[0] && pa[1] === pb[1];
}
