// Column alignment with the semantics of Go's text/tabwriter (left-aligned, space padding), which the
// argo CLI uses for every table. The quirks matter for byte-exact output:
//  - a cell is text terminated by a tab; the text after a line's last tab is not part of any column,
//    so it is never padded, while a tab-terminated cell is padded even when nothing follows it;
//  - a column's width is computed over a block of consecutive lines that all have that column, so a
//    line with fewer cells splits the table into independently aligned blocks;
//  - width is counted in code points, ANSI escape sequences included.

export interface TabWriterOptions {
  /** Minimal cell width, padding included. */
  minWidth?: number;
  /** Added to the widest cell of a column. */
  padding: number;
  padChar?: string;
}

// Go counts a cell's width in runes; a JavaScript string has one unit more for each surrogate pair.
// Counted natively by a regular expression: `argo get` of a large workflow aligns thousands of
// cells, each in code that runs once and never gets optimised.
const SURROGATE_PAIRS = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

function codePoints(text: string): number {
  const pairs = text.match(SURROGATE_PAIRS);
  return pairs ? text.length - pairs.length : text.length;
}

/** Aligns tab-separated `text` into columns and returns it; lines end as they ended in the input. */
export function tabwrite(text: string, options: TabWriterOptions): string {
  const minWidth = options.minWidth ?? 0;
  const padChar = options.padChar ?? ' ';
  const lines: string[][] = text.split('\n').map((line) => line.split('\t'));
  const widths: number[] = [];
  // Each line's cells and padding, joined once at the end: this runs once per command, in V8's
  // interpreter, where appending to one string piece by piece cost a 1,000-node `argo get` more
  // than laying out its columns did. Padding strings are made once per length.
  const parts: string[] = [];
  const pads: string[] = [];
  const pad = (n: number): string => (pads[n] ??= padChar.repeat(n));

  const writeLines = (line0: number, line1: number): void => {
    const columns = widths.length;
    for (let i = line0; i < line1; i++) {
      const line = lines[i];
      for (let j = 0; j < line.length; j++) {
        const cell = line[j];
        parts.push(cell);
        if (j < columns) {
          const n = widths[j] - codePoints(cell);
          if (n > 0) parts.push(pad(n));
        }
      }
      if (i + 1 < lines.length) parts.push('\n');
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= lines[current].length - 1) continue;
      // A block of lines that all have a cell in this column starts here.
      writeLines(line0, current);
      line0 = current;
      let width = minWidth;
      for (; current < line1; current++) {
        const line = lines[current];
        if (column >= line.length - 1) break;
        width = Math.max(width, codePoints(line[column]) + options.padding);
      }
      widths.push(width);
      format(line0, current);
      widths.pop();
      line0 = current;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return parts.join('');
}
