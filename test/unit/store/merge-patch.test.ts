import { describe, expect, it } from 'vitest';
import { applyMergePatch, createMergePatch } from '../../../src/store/merge-patch.js';

// The examples of RFC 7386, appendix A.
const RFC_CASES: [unknown, unknown, unknown][] = [
  [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
  [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
  [{ a: 'b' }, { a: null }, {}],
  [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
  [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
  [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
  [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
  [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
  [
    ['a', 'b'],
    ['c', 'd'],
    ['c', 'd'],
  ],
  [{ a: 'b' }, ['c'], ['c']],
  [{ a: 'foo' }, null, null],
  [{ a: 'foo' }, 'bar', 'bar'],
  [{ e: null }, { a: 1 }, { e: null, a: 1 }],
  [[1, 2], { a: 'b', c: null }, { a: 'b' }],
  [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
];

describe('applyMergePatch', () => {
  it.each(RFC_CASES)('%j + %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });

  it('leaves its arguments untouched', () => {
    const target = { metadata: { labels: { a: '1', b: '2' } }, spec: { x: 1 } };
    const patch = { metadata: { labels: { a: null, c: '3' } } };
    const before = JSON.stringify([target, patch]);
    const result = applyMergePatch(target, patch);
    expect(JSON.stringify([target, patch])).toBe(before);
    expect(result).toEqual({ metadata: { labels: { b: '2', c: '3' } }, spec: { x: 1 } });
  });
});

describe('createMergePatch', () => {
  it.each([
    [
      { a: 1, b: { c: 2, d: 3 } },
      { a: 1, b: { c: 4 }, e: [1] },
    ],
    [
      { status: { nodes: { n1: { phase: 'Running' } } } },
      { status: { nodes: { n1: { phase: 'Succeeded' }, n2: {} } } },
    ],
    [{ a: [1, 2] }, { a: [1, 2] }],
  ])('produces a patch that turns %j into %j', (from, to) => {
    expect(applyMergePatch(from, createMergePatch(from, to))).toEqual(to);
  });

  it('is empty when nothing changed', () => {
    expect(createMergePatch({ a: { b: [1] } }, { a: { b: [1] } })).toEqual({});
  });
});
