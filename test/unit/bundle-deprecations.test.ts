import { afterEach, describe, expect, it } from 'vitest';
import { silenceDependencyDeprecations } from '../../src/cli/bundled-deprecations.js';

const original = process.emitWarning;
afterEach(() => {
  process.emitWarning = original;
});

/** The codes of the warnings process.emitWarning delivers while `fn` runs. */
async function warningsDuring(fn: () => void): Promise<string[]> {
  const seen: string[] = [];
  const listener = (w: Error & { code?: string }) => seen.push(w.code ?? w.message);
  process.on('warning', listener);
  try {
    fn();
    // process.emitWarning delivers on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('warnings of the dependencies the bundle carries', () => {
  it('drops the punycode and url.parse deprecations, in both forms emitWarning takes', async () => {
    silenceDependencyDeprecations();
    const seen = await warningsDuring(() => {
      process.emitWarning('punycode is deprecated', 'DeprecationWarning', 'DEP0040');
      process.emitWarning('url.parse is deprecated', { type: 'DeprecationWarning', code: 'DEP0169' });
    });
    expect(seen).toEqual([]);
  });

  it('lets every other warning through', async () => {
    silenceDependencyDeprecations();
    const seen = await warningsDuring(() => {
      process.emitWarning('another', 'DeprecationWarning', 'DEP0999');
      process.emitWarning('an experimental thing', { type: 'ExperimentalWarning', code: 'EXP1' });
      process.emitWarning('plain');
    });
    expect(seen).toEqual(['DEP0999', 'EXP1', 'plain']);
  });
});
