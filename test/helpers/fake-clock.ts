// A clock for running cron schedules in fake time: timers fire only when a test advances it.
import type { Clock } from '../../src/controller/cron/clock.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  private t: number;
  private timers: Timer[] = [];
  private seq = 0;

  /** `onSet` sees every new time (e.g. to move vitest's fake Date along for expressions' now()). */
  constructor(
    start: Date | string,
    private readonly onSet: (t: Date) => void = () => undefined,
  ) {
    this.t = new Date(start).getTime();
    this.onSet(new Date(this.t));
  }

  now(): Date {
    return new Date(this.t);
  }

  setTimer(at: Date, fn: () => void): () => void {
    const timer = { at: at.getTime(), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((x) => x !== timer);
    };
  }

  /** When the earliest timer is due, if any. */
  nextTimer(): Date | undefined {
    const t = this.earliest();
    return t && new Date(t.at);
  }

  private earliest(): Timer | undefined {
    let best: Timer | undefined;
    for (const t of this.timers)
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Moves time to `to` without firing anything (as when timers are late): they fire at the next advance. */
  jumpTo(to: Date | string): void {
    this.set(new Date(to).getTime());
  }

  /** Moves time to `to`, firing due timers in order and awaiting `settle` after each. */
  async advanceTo(to: Date | string, settle: () => Promise<void>): Promise<void> {
    const end = new Date(to).getTime();
    for (;;) {
      const due = this.earliest();
      if (!due || due.at > end) break;
      this.timers = this.timers.filter((x) => x !== due);
      this.set(Math.max(this.t, due.at));
      due.fn();
      await settle();
    }
    this.set(Math.max(this.t, end));
    await settle();
  }

  private set(t: number): void {
    this.t = t;
    this.onSet(new Date(t));
  }
}
