// The web UI keeps the newest copy of a workflow when the watch stream and an action's reply race.
import { describe, expect, it } from 'vitest';
import { isNotOlder } from '../../ui/src/shared/resource-version.js';

const at = (resourceVersion?: string) => ({ metadata: { resourceVersion } });

describe('isNotOlder', () => {
  it('compares integer resource versions by value, not as text', () => {
    expect(isNotOlder(at('100'), at('99'))).toBe(true);
    expect(isNotOlder(at('99'), at('100'))).toBe(false);
    expect(isNotOlder(at('42'), at('42'))).toBe(true);
    expect(isNotOlder(at('41'), at('42'))).toBe(false);
  });

  it('takes a copy it cannot compare as newer', () => {
    expect(isNotOlder(at('1'), undefined)).toBe(true);
    expect(isNotOlder(at(), at('5'))).toBe(true);
    expect(isNotOlder(at('abc'), at('5'))).toBe(true);
  });
});
