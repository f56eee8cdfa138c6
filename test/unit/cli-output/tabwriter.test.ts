// Expected output is what Go's text/tabwriter writes for the same input (padding 2, space padding).
import { describe, expect, it } from 'vitest';
import { tabwrite } from '../../../src/cli/output/tabwriter.js';

const write = (text: string): string => tabwrite(text, { padding: 2 });

describe('tabwrite', () => {
  it('aligns tab-terminated cells and leaves the last cell of a line unpadded', () => {
    expect(write('a\tb\nccc\td\n')).toBe('a    b\nccc  d\n');
  });

  it('pads a trailing tab-terminated cell even when nothing follows it', () => {
    expect(write('NAME\nx\t\nlonger\t\n')).toBe('NAME\nx       \nlonger  \n');
  });

  it('aligns a column only over consecutive lines that have it', () => {
    expect(write('h1\th2\th3\nr1\tr2\n\t\t\nr3\tr4\tr5\tr6\n')).toBe(
      'h1  h2  h3\nr1  r2\n        \nr3  r4  r5  r6\n',
    );
  });

  it('counts ANSI escape sequences and multi-byte characters as text width', () => {
    expect(write('\x1b[32m✔\x1b[0m a\tb\n  x\ty\n')).toBe('\x1b[32m✔\x1b[0m a  b\n  x           y\n');
  });

  it('counts a character outside the BMP as one, as Go counts runes', () => {
    expect(write('\u{1F600}\tb\nxxx\ty\n')).toBe('\u{1F600}    b\nxxx  y\n');
  });

  it('keeps text after the last newline without adding one', () => {
    expect(write('a\tb\nc')).toBe('a  b\nc');
  });
});
