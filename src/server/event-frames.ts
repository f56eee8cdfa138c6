// Watch events serialised once for every client that receives them. Each client of a watch
// stream gets the same event (same object, same version); with the same `fields` its message is the
// same bytes, so the first client's serialisation is kept briefly and written to the others.
// Bounded by size: clients take an event within moments of each other, so little needs keeping.

/** A stream message already serialised as `{"result": ...}`; streamResults writes it as is. */
export class SerializedResult {
  constructor(readonly json: string) {}
}

const DEFAULT_MAX_CHARS = 16 * 1024 * 1024;

export class EventFrames {
  private readonly frames = new Map<string, string>();
  private chars = 0;

  constructor(private readonly maxChars = DEFAULT_MAX_CHARS) {}

  /**
   * The message for one event as one client shape (`shape`: its fields filter) sees it. `identity`
   * names the object's state (uid and resourceVersion), so equal keys always mean equal messages.
   */
  result(identity: string, shape: string, build: () => unknown): SerializedResult {
    const key = `${identity}\n${shape}`;
    let json = this.frames.get(key);
    if (json === undefined) {
      json = JSON.stringify({ result: build() });
      this.keep(key, json);
    }
    return new SerializedResult(json);
  }

  private keep(key: string, json: string): void {
    if (json.length > this.maxChars) return;
    this.frames.set(key, json);
    this.chars += json.length;
    for (const [oldest, text] of this.frames) {
      if (this.chars <= this.maxChars) break;
      this.frames.delete(oldest);
      this.chars -= text.length;
    }
  }
}
