// The kubelet and a terminal signal the emissary, the container's first process; the user's command
// must get those signals instead, since it is the one doing the work. A signal that comes before the
// command has started is kept (one, as upstream's buffered channel keeps one) and delivered then.
import type { ExecutorLog } from './log.js';
import { FORWARDED_SIGNALS, signalGroup } from './signals.js';

export class SignalForwarder {
  private pid: number | undefined;
  private pending: NodeJS.Signals | undefined;
  private readonly listeners = new Map<NodeJS.Signals, () => void>();
  private readonly terminating = new AbortController();

  constructor(private readonly log: ExecutorLog) {
    for (const sig of FORWARDED_SIGNALS) {
      const listener = () => this.receive(sig);
      this.listeners.set(sig, listener);
      process.on(sig, listener);
    }
  }

  /** Aborted at the first SIGTERM: the pod is going away, so nothing new should start. */
  get terminated(): AbortSignal {
    return this.terminating.signal;
  }

  attach(pid: number): void {
    this.pid = pid;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.forward(pending);
  }

  detach(): void {
    this.pid = undefined;
  }

  /** Gives the signals back to Node's defaults. */
  dispose(): void {
    for (const [sig, listener] of this.listeners) process.off(sig, listener);
    this.listeners.clear();
  }

  private receive(sig: NodeJS.Signals): void {
    if (sig === 'SIGTERM') this.terminating.abort(sig);
    if (this.pid !== undefined) this.forward(sig);
    else if (sig !== 'SIGTERM') this.pending ??= sig;
  }

  private forward(sig: NodeJS.Signals): void {
    this.log.debug('forwarding signal', { signal: sig, pid: this.pid });
    signalGroup(this.pid!, sig);
  }
}
