import { describe, expect, it } from 'vitest';
import { goUnquote, outputParametersJson } from '../../../src/cli/commands/node-run.js';

describe('goUnquote', () => {
  it('reads Go string literals', () => {
    expect(goUnquote('"Hello, world!"')).toBe('Hello, world!');
    expect(goUnquote('"tab\\there\\n"')).toBe('tab\there\n');
    expect(goUnquote('"\\u00e9\\x41\\101\\U0001F600"')).toBe('éAA😀');
    expect(goUnquote('"say \\"hi\\""')).toBe('say "hi"');
    expect(goUnquote('`raw \\n`')).toBe('raw \\n');
    expect(goUnquote("'x'")).toBe('x');
  });

  it('returns undefined for what is not a literal', () => {
    for (const s of ['plain', '"open', '"a"b"', "'ab'", '"\\q"', '"\\x4"', '"\\400"', '"', '`a`b`']) {
      expect(goUnquote(s), s).toBeUndefined();
    }
  });
});

describe('outputParametersJson', () => {
  it('maps NAME=VALUE flags to the JSON object the API takes, unquoting quoted values', () => {
    expect(outputParametersJson(['d=', 'a=1', 'b="two words"', 'c=x=y', 'a=again'])).toBe(
      '{"a":"again","b":"two words","c":"x=y","d":""}',
    );
  });

  it('rejects a flag without =', () => {
    expect(() => outputParametersJson(['nope'])).toThrow(
      'expected parameter of the form: NAME=VALUE. Received: nope',
    );
  });
});
