// ANSI colours in the exact byte form the Go argo CLI writes ("\x1b[32m✔\x1b[0m": SGR on, text, full
// reset). Chalk closes colours with per-attribute codes (\x1b[39m), which would change both the bytes
// and the widths the tab writer aligns on, so these sequences are written by hand; whether to write
// them at all follows chalk's reading of the terminal where the user asks for it (FORCE_COLOR).
// Only commands that print colour load this module, so `argo version` and `--help` do not load chalk.
import { supportsColor } from 'chalk';

export const FG = {
  bold: 1,
  black: 30,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  default: 39,
} as const;

export interface ColorEnvironment {
  /** --no-color was given. */
  noColor?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Whether the output stream is a terminal; undefined skips the check. */
  isTTY?: boolean;
  /** Chalk's colour level for stdout (0 none, 1 basic, 2 256, 3 truecolor); argo's colours need 1. */
  level?: number;
}

const stdoutLevel = (): number => (supportsColor ? supportsColor.level : 0);

/**
 * Whether to colour output: not with --no-color, not when NO_COLOR is set (no-color.org); with
 * FORCE_COLOR as chalk reads it (0 or false: off; 1-3, true or empty: on, even into a pipe); else not
 * on a dumb terminal, and not when writing to something other than a terminal.
 */
export function colorEnabled({
  noColor = false,
  env = process.env,
  isTTY,
  level = stdoutLevel(),
}: ColorEnvironment): boolean {
  if (noColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return level > 0;
  if (env.TERM === 'dumb') return false;
  if (isTTY === false) return false;
  return true;
}

export interface Palette {
  readonly enabled: boolean;
  /** Wraps `text` in the given SGR codes when colour is enabled; returns it unchanged otherwise. */
  format(text: string, ...codes: number[]): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  /** "Default colour": invisible, but gives uncoloured header cells the same width as coloured ones. */
  plain(text: string): string;
}

export function ansiFormat(text: string, codes: readonly number[]): string {
  if (codes.length === 0) return text;
  return `\x1b[${codes.join(';')}m${text}\x1b[0m`;
}

export function createPalette(enabled: boolean): Palette {
  const format = (text: string, ...codes: number[]): string => (enabled ? ansiFormat(text, codes) : text);
  return {
    enabled,
    format,
    red: (t) => format(t, FG.red),
    green: (t) => format(t, FG.green),
    yellow: (t) => format(t, FG.yellow),
    cyan: (t) => format(t, FG.cyan),
    plain: (t) => format(t, FG.default),
  };
}

const NAME_COLORS = [FG.green, FG.yellow, FG.blue, FG.magenta, FG.cyan, FG.white];

/** The colour argo gives a name (a pod's log prefix): chosen by the sum of its code points. */
export function colorCodeFor(name: string): number {
  let sum = 0;
  for (const c of name) sum += c.codePointAt(0) ?? 0;
  return NAME_COLORS[sum % NAME_COLORS.length];
}
