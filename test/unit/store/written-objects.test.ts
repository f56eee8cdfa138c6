import { describe, expect, it } from 'vitest';
import { mayBeReordered, splitText } from '../../../src/store/sqlite/written-objects.js';
import type { KubeObject } from '../../../src/model/meta.js';

const text = (v: unknown): string => JSON.stringify(v);

describe('mayBeReordered', () => {
  const nodes = (phase: string, order: string[] = ['a', 'b', 'c']) =>
    Object.fromEntries(order.map((id) => [id, { id, phase: id === 'b' ? phase : 'Pending' }]));

  it('tells a change that keeps the length from the same members in another order', () => {
    // Pending and Running are as long: only the characters tell them apart.
    expect(mayBeReordered(text(nodes('Pending')), text(nodes('Running')))).toBe(false);
    expect(mayBeReordered(text(nodes('Pending')), text(nodes('Pending', ['c', 'a', 'b'])))).toBe(true);
    expect(mayBeReordered(text({ a: 1, b: 2 }), text({ b: 2, a: 1 }))).toBe(true);
  });

  it('is certain only about differences: different lengths, or different characters where they differ', () => {
    expect(mayBeReordered(text(nodes('Running')), text(nodes('Succeeded')))).toBe(false);
    expect(mayBeReordered('{"t":"00:12"}', '{"t":"00:13"}')).toBe(false);
    // The same characters in another order may be a reordering: left to the caller to parse.
    expect(mayBeReordered('{"t":"00:12"}', '{"t":"00:21"}')).toBe(true);
    expect(mayBeReordered('{"x":1}', '{"x":1}')).toBe(true);
  });
});

describe('splitText', () => {
  it('is JSON.stringify of the object, with the status apart when it comes last', () => {
    const obj = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { gone: undefined, x: [1, 'two'] },
      status: { phase: 'Running' },
      after: undefined,
    } as unknown as KubeObject;
    const split = splitText(obj);
    expect(split.text).toBe(JSON.stringify(obj));
    expect(JSON.parse(split.headText!)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { x: [1, 'two'] },
    });
    expect(split.statusText).toBe('{"phase":"Running"}');
    const statusFirst = { status: { phase: 'Running' }, metadata: { name: 'p' } } as unknown as KubeObject;
    expect(splitText(statusFirst)).toEqual({ text: JSON.stringify(statusFirst) });
  });
});
