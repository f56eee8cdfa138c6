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
    expect(second.json).toBe(first.json);
    expect(JSON.parse(first.json)).toEqual({
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
    frames.result('c', '', build); // over 120 characters: 'a' goes
    frames.result('b', '', build);
    expect(builds).toBe(3);
    frames.result('a', '', build);
    expect(builds).toBe(4);
    // A message larger than the whole budget is sent, not kept.
    new EventFrames(10).result('big', '', build);
  });
});
