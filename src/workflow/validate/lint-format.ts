// `argo lint` output, byte for byte: `pretty` (a block per file with ✖ lines, then a summary) and
// `simple` (`<file>: <error>` lines).
export interface LintFileResult {
  /** The file as given (`stdin` for standard input). */
  file: string;
  /** One entry per object with a problem: `in "<name>" (<Kind>): <message>`. */
  errors: string[];
  /** Whether the file held any object of a linted kind. */
  linted: boolean;
}

export interface LintFormatOptions {
  output: 'pretty' | 'simple';
  noColor?: boolean;
}

const INDENT = '   ';

/** Whether the lint passed: something was linted and nothing failed. */
export function lintSucceeded(results: readonly LintFileResult[]): boolean {
  const linted = results.filter((r) => r.linted);
  return linted.length > 0 && linted.every((r) => r.errors.length === 0);
}

/** The text printed for one file, as soon as it is linted. */
export function formatLintResult(result: LintFileResult, opts: LintFormatOptions): string {
  if (!result.linted || result.errors.length === 0) return '';
  if (opts.output === 'simple') return result.errors.map((e) => `${result.file}: ${e}\n`).join('');
  const c = colors(opts);
  let out = `${c.underline(result.file)}:\n`;
  for (const e of result.errors) out += `${INDENT}${c.red('✖')} ${e}\n`;
  return `${out}\n`;
}

/** The closing summary line(s). */
export function formatLintSummary(results: readonly LintFileResult[], opts: LintFormatOptions): string {
  const anything = results.some((r) => r.linted);
  const success = lintSucceeded(results);
  if (opts.output === 'simple') {
    if (success) return 'no linting errors found!\n';
    if (!anything) return 'found nothing to lint in the specified paths, failing...\n';
    return '';
  }
  const c = colors(opts);
  if (success) return `${c.green('✔')} no linting errors found!\n`;
  if (!anything) return `${c.red('✖ found nothing to lint in the specified paths, failing...')}\n`;
  const total = results.reduce((n, r) => n + r.errors.length, 0);
  return `${c.red(`✖ ${total} linting errors found!`)}\n`;
}

/** Every file's block followed by the summary: the whole of `argo lint`'s standard output. */
export function formatLintResults(results: readonly LintFileResult[], opts: LintFormatOptions): string {
  return results.map((r) => formatLintResult(r, opts)).join('') + formatLintSummary(results, opts);
}

// Upstream's colour library: a code before the text and a full reset after it, whenever
// --no-color is absent (terminal or not).
const RESET = '\x1b[0m';
const CODES = { red: '\x1b[31m', green: '\x1b[32m', underline: '\x1b[4m' } as const;

function colors(opts: LintFormatOptions): Record<keyof typeof CODES, (text: string) => string> {
  const paint = (code: string) => (text: string) => (opts.noColor ? text : `${code}${text}${RESET}`);
  return { red: paint(CODES.red), green: paint(CODES.green), underline: paint(CODES.underline) };
}
