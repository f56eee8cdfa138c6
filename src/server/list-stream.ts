// A list response written item by item. One JSON.stringify of a whole page holds every item's text
// at once (and the page's objects beside it); writing each item as it is serialised, and waiting for
// the client to take it before the next, keeps one item's text in memory per response.
import { Readable } from 'node:stream';
import { pruneEmpty } from './wire.js';

type Json = Record<string, unknown>;

export class StreamedList {
  /**
   * `head` is the list without its items (`metadata`, as the response's first member); `shape`
   * turns one stored item into what the response holds for it.
   */
  constructor(
    private readonly head: Json,
    private items: unknown[],
    private readonly shape: (item: unknown) => unknown,
  ) {}

  /**
   * The response body; each chunk is read only when the previous one was taken. `serialised` is
   * called once the last item has been serialised.
   */
  body(serialised?: () => void): Readable {
    return Readable.from(this.chunks(serialised), { objectMode: false, highWaterMark: 1 });
  }

  private *chunks(serialised?: () => void): Generator<Buffer> {
    const head = JSON.stringify(pruneEmpty(this.head));
    const open = head === '{}' ? '{"items":[' : `${head.slice(0, -1)},"items":[`;
    const items = this.items;
    // The page is the stream's alone from here: each item can go once it is written.
    this.items = [];
    let text = open;
    for (let i = 0; i < items.length; i++) {
      text += (i > 0 ? ',' : '') + JSON.stringify(pruneEmpty(this.shape(items[i]), true));
      items[i] = undefined;
      yield Buffer.from(text);
      text = '';
    }
    serialised?.();
    yield Buffer.from(`${text}]}`);
  }
}
