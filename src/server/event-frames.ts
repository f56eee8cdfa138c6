// Watch events serialised once for every client that receives them. Each client of a watch
// stream gets the same event (same object, same version); with the same `fields` its message is the
// same bytes, so the first client's serialisation is kept briefly and written to the others.
// Kept as one Buffer that every client's socket writes from, so N watchers of a 50 MB workflow hold
// one copy of its message, not N (a string would be encoded again for each write).
// Bounded by size: clients take an event within moments of each other, so little needs keeping;
// the newest message is kept whatever its size, so a workflow larger than the bound is still
// serialised once for all its watchers.

/** A stream message already serialised as `{"result": ...}`; streamResults writes it as is. */
export class SerializedResult {
  constructor(readonly bytes: Buffer) {}
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export class EventFrames {
  private readonly frames = new Map<string, Buffer>();
  private bytes = 0;
  /** How many messages were serialised (not taken from the cache): a figure for tests. */
  serialised = 0;

  constructor(private readonly maxBytes = DEFAULT_MAX_BYTES) {}

  /**
   * The message for one event as one client shape (`shape`: its fields filter) sees it. `identity`
   * names the object's state (uid and resourceVersion), so equal keys always mean equal messages.
   */
  result(identity: string, shape: string, build: () => unknown): SerializedResult {
    const key = `${identity}\n${shape}`;
    let bytes = this.frames.get(key);
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify({ result: build() }));
      this.serialised++;
      this.keep(key, bytes);
    }
    return new SerializedResult(bytes);
  }

  private keep(key: string, bytes: Buffer): void {
    this.frames.set(key, bytes);
    this.bytes += bytes.length;
    for (const [oldest, frame] of this.frames) {
      if (this.bytes <= this.maxBytes || oldest === key) break;
      this.frames.delete(oldest);
      this.bytes -= frame.length;
    }
  }
}
