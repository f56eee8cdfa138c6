import { describe, expect, it } from 'vitest';
import { EventFrames, SerializedResult } from '../../../src/server/event-frames.js';

describe('EventFrames', () => {
  it('serialises an event once for every client with the same fields', () => {
    const frames = new EventFrames();
    let builds = 0;
    const build = () => {
      builds++;
      return { type: 'MODIFIED', object: { metadata: { name: 'w', resourceVersion: '7' } } };
    };
    const first = frames.result('MODIFIED argo/w uid-1 7', '', build);
    const second = frames.result('MODIFIED argo/w uid-1 7', '', build);
    expect(builds).toBe(1);
    expect(first).toBeInstanceOf(SerializedResult);
    // The same bytes, not a copy: every client's socket writes from one buffer.
    expect(second.bytes).toBe(first.bytes);
    expect(JSON.parse(first.bytes.toString())).toEqual({
      result: { type: 'MODIFIED', object: { metadata: { name: 'w', resourceVersion: '7' } } },
    });
    // Another fields filter or another version is another message.
    frames.result('MODIFIED argo/w uid-1 7', 'result.object.metadata.name', build);
    frames.result('MODIFIED argo/w uid-1 8', '', build);
    expect(builds).toBe(3);
  });

  it('keeps at most its size in messages, dropping the oldest first', () => {
    const frames = new EventFrames(120);
    let builds = 0;
    const build = () => {
      builds++;
      return 'x'.repeat(40);
    };
    frames.result('a', '', build);
    frames.result('b', '', build);
    frames.result('c', '', build); // over 120 bytes: 'a' goes
    frames.result('b', '', build);
    expect(builds).toBe(3);
    frames.result('a', '', build);
    expect(builds).toBe(4);
  });

  it('serialises a message larger than its whole budget once, until a newer one replaces it', () => {
    const frames = new EventFrames(10);
    let builds = 0;
    const build = () => {
      builds++;
      return 'x'.repeat(1000);
    };
    const first = frames.result('MODIFIED argo/huge uid 1', '', build);
    for (let i = 0; i < 5; i++)
      expect(frames.result('MODIFIED argo/huge uid 1', '', build).bytes).toBe(first.bytes);
    expect(builds).toBe(1);
    expect(frames.serialised).toBe(1);
    // The next version takes its place; the old one is no longer held.
    frames.result('MODIFIED argo/huge uid 2', '', build);
    frames.result('MODIFIED argo/huge uid 1', '', build);
    expect(builds).toBe(3);
  });
});
