// The watch events of the controller's own writes. A store that tells its watchers of a write as
// it commits (the embedded one) shows the writer its own change before the write's call returns;
// the pass that wrote it has acted on everything it says (and asks for another pass itself when
// it has not: OperateResult.again), so that event must queue no pass, or every step would cost
// two. Which event is the write's own is known only once the call returns the version written:
// events of the same object seen meanwhile are held until then, and any of another version
// (another writer's change read in the same catch-up of the change log) is let through. A store
// whose events come after the call (the Kubernetes API) is untouched: its events queue as usual.
import type { KubeObject } from '../model/meta.js';
import { cacheKey } from '../store/informer/index.js';

interface Held {
  resourceVersion: string | undefined;
  deliver: () => void;
}

interface Writing {
  kind: string;
  key: string;
  held: Held[];
}

export class OwnWrites {
  private writing: Writing | undefined;

  /** Runs `call`, the write of `obj`, holding the events of `obj` it causes (see hold()). */
  async write<T extends KubeObject>(kind: string, obj: KubeObject, call: () => Promise<T>): Promise<T> {
    const w: Writing = { kind, key: cacheKey(obj.metadata.namespace, obj.metadata.name), held: [] };
    this.writing = w;
    let pending: Promise<T>;
    try {
      pending = call();
    } finally {
      this.writing = undefined;
    }
    let saved: T;
    try {
      saved = await pending;
    } catch (err) {
      // Nothing of this write was committed: what was seen is someone else's.
      for (const h of w.held) h.deliver();
      throw err;
    }
    for (const h of w.held) if (h.resourceVersion !== saved.metadata.resourceVersion) h.deliver();
    return saved;
  }

  /**
   * Whether the event of `obj` is held, because a write of that object is running; `deliver` then
   * runs once the write returns, unless the event was that write's own.
   */
  hold(kind: string, obj: KubeObject, deliver: () => void): boolean {
    const w = this.writing;
    if (!w || w.kind !== kind || w.key !== cacheKey(obj.metadata.namespace, obj.metadata.name)) return false;
    w.held.push({ resourceVersion: obj.metadata.resourceVersion, deliver });
    return true;
  }
}
