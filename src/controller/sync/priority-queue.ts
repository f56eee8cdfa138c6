// Waiters for one lock, in the order Argo lets them in: higher workflow priority first, then the
// older workflow. Ties (creation times have second precision) go by workflow key and then arrival,
// so two locks never order the same two workflows differently: a workflow needing both locks
// cannot be first in line for one and behind the other, which would starve both.
import { workflowKeyOfHolder } from './lock-name.js';

export interface Waiter {
  key: string;
  workflowKey: string;
  priority: number;
  creationTime: number;
  seq: number;
}

export class PriorityQueue {
  private readonly byKey = new Map<string, Waiter>();
  private sorted: Waiter[] | undefined = [];
  private seq = 0;

  get length(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds `key`, or updates its priority when it is already waiting (its place in line is kept otherwise). */
  add(key: string, priority: number, creationTime: number): void {
    const existing = this.byKey.get(key);
    if (existing) {
      if (existing.priority !== priority) {
        existing.priority = priority;
        this.sorted = undefined;
      }
      return;
    }
    this.byKey.set(key, {
      key,
      workflowKey: workflowKeyOfHolder(key),
      priority,
      creationTime,
      seq: this.seq++,
    });
    this.sorted = undefined;
  }

  remove(key: string): boolean {
    if (!this.byKey.delete(key)) return false;
    this.sorted = undefined;
    return true;
  }

  /** The waiters, first in line first. */
  items(): readonly Waiter[] {
    this.sorted ??= [...this.byKey.values()].sort(
      (a, b) =>
        b.priority - a.priority ||
        a.creationTime - b.creationTime ||
        (a.workflowKey < b.workflowKey ? -1 : a.workflowKey > b.workflowKey ? 1 : 0) ||
        a.seq - b.seq,
    );
    return this.sorted;
  }

  peek(): Waiter | undefined {
    return this.items()[0];
  }
}
