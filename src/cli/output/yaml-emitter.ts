// A YAML writer that reproduces, byte for byte, what the Go argo CLI prints for `-o yaml`.
// Upstream marshals to JSON and converts that JSON to YAML with go-yaml v2 (sigs.k8s.io/yaml), so the
// output has go-yaml v2's style: mapping keys sorted with its "natural" order, block sequences not
// indented under their key, strings quoted only when they would read back as something else, literal
// blocks for multi-line strings, and long plain or quoted strings folded after column 80.
import { type GoJson, GoObject } from './go-json.js';

const BEST_INDENT = 2;
const BEST_WIDTH = 80;
const MAX_SIMPLE_KEY_LENGTH = 128;

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function isPrintable(c: number): boolean {
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c >= 0xa0 && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}

function isBreak(c: number | undefined): boolean {
  return c === 0x0d || c === 0x0a || c === 0x85 || c === 0x2028 || c === 0x2029;
}

function isBlank(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09;
}

function isBlankOrEnd(c: number | undefined): boolean {
  return c === undefined || c === 0 || isBlank(c) || isBreak(c);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// What styles a scalar may be written in, from the characters it contains (libyaml's analysis).
function analyzeScalar(chars: readonly number[]): ScalarAnalysis {
  if (chars.length === 0) {
    return {
      multiline: false,
      flowPlainAllowed: false,
      blockPlainAllowed: true,
      singleQuotedAllowed: true,
      blockAllowed: false,
    };
  }
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;

  const head = String.fromCodePoint(...chars.slice(0, 3));
  if (head === '---' || head === '...') {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }

    if (!isPrintable(c)) specialCharacters = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankOrEnd(c);
  }

  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

// --- which strings would read back as something other than a string (go-yaml v2's resolver) ---

const RESOLVED_WORDS = new Set([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'],
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'],
  ...['', '~', 'null', 'Null', 'NULL'],
  ...['.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF'],
]);

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

// Go's strconv.ParseInt/ParseUint with base 0 (underscores already removed): sign, then 0x/0o/0b or
// a leading 0 for octal, then digits of that base. Returns whether it parses within 64 bits.
function parsesAsGoInteger(text: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return false;
  const body = m[2];
  let value: bigint;
  if (/^0[oO]/.test(body)) value = BigInt(`0o${body.slice(2)}`);
  else if (/^0[0-7]+$/.test(body)) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  if (m[1] === '-') return value <= 2n ** 63n;
  return value < 2n ** 64n;
}

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

// go-yaml v2 reads plain scalars that look like these timestamp layouts as timestamps.
function parsesAsTimestamp(text: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      text,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  const hour = Number(m[4] ?? m[7] ?? 0);
  const minute = Number(m[5] ?? m[8] ?? 0);
  const second = Number(m[6] ?? m[9] ?? 0);
  return hour < 24 && minute < 60 && second < 60;
}

/** Whether go-yaml would read `text`, written unquoted, as anything but that string. */
export function resolvesAsNonString(text: string): boolean {
  if (RESOLVED_WORDS.has(text)) return true;
  const first = text[0];
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) && Number.isFinite(Number(text));
  if (first === '+' || first === '-' || (first >= '0' && first <= '9')) {
    if (parsesAsTimestamp(text)) return true;
    const plain = text.replace(/_/g, '');
    if (parsesAsGoInteger(plain)) return true;
    if (YAML_STYLE_FLOAT.test(plain) && Number.isFinite(Number(plain))) return true;
  }
  return false;
}

function chooseStringStyle(text: string): ScalarStyle {
  if (text.includes('\n')) return 'literal';
  if (resolvesAsNonString(text) || BASE60_FLOAT.test(text)) return 'double';
  return 'plain';
}

// --- key order: go-yaml v2 sorts string keys with digit runs compared as numbers ---

function isLetter(c: string): boolean {
  return /\p{L}/u.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && /\p{Nd}/u.test(c);
}

function digitValue(c: string): number {
  return Number.parseInt(c, 10) || 0;
}

export function yamlKeyLess(a: string, b: string): boolean {
  const ar = Array.from(a);
  const br = Array.from(b);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]);
    const bl = isLetter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10 + digitValue(ar[ai]);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10 + digitValue(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i].codePointAt(0)! < br[i].codePointAt(0)!;
  }
  return ar.length < br.length;
}

function sortKeys(keys: string[]): string[] {
  return [...keys].sort((x, y) => (yamlKeyLess(x, y) ? -1 : yamlKeyLess(y, x) ? 1 : 0));
}

// --- numbers as go-yaml prints what it parsed from the JSON text ---

// go-yaml parses the JSON text of the number: integers that fit 64 bits stay integers, others are floats.
function formatYamlNumber(n: number): string {
  const text = Object.is(n, -0) ? '-0' : String(n);
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    if (big >= -(2n ** 63n) && big < 2n ** 64n) return big.toString();
  }
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  // strconv.FormatFloat(f, 'g', -1, 64): exponent form outside 1e-4 <= |f| < 1e6... by decimal exponent.
  const [mantissa, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

// --- the emitter ---

interface Context {
  root: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  private indents: number[] = [];
  private flowLevel = 0;

  private put(s: string): void {
    this.out += s;
    this.column += 1;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeText(s: string): void {
    for (const ch of s) this.put(ch);
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace))
      this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.writeText(indicator);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  emitNode(value: GoJson, ctx: Context): void {
    if (Array.isArray(value)) this.emitSequence(value, ctx);
    else if (value instanceof GoObject) this.emitMapping(value, ctx);
    else if (value === null) this.emitScalar('null', 'plain', ctx);
    else if (typeof value === 'boolean') this.emitScalar(value ? 'true' : 'false', 'plain', ctx);
    else if (typeof value === 'number') this.emitScalar(formatYamlNumber(value), 'plain', ctx);
    else this.emitScalar(value, chooseStringStyle(value), ctx);
  }

  private emitSequence(items: readonly GoJson[], ctx: Context): void {
    if (items.length === 0 || this.flowLevel > 0) {
      this.writeIndicator('[', true, true, false);
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, ctx.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.emitNode(item, { root: false, mapping: false, simpleKey: false });
    }
    this.popIndent();
  }

  private emitMapping(obj: GoObject, _ctx: Context): void {
    if (obj.entries.length === 0) {
      this.writeIndicator('{', true, true, false);
      this.writeIndicator('}', false, false, false);
      return;
    }
    const values = new Map(obj.entries);
    this.increaseIndent(false, false);
    for (const key of sortKeys(obj.entries.map(([k]) => k))) {
      this.writeIndent();
      const value = values.get(key) as GoJson;
      const simple = !key.includes('\n') && !hasBreak(key) && utf8Length(key) <= MAX_SIMPLE_KEY_LENGTH;
      if (simple) {
        this.emitNode(key, { root: false, mapping: true, simpleKey: true });
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.emitNode(key, { root: false, mapping: true, simpleKey: false });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.emitNode(value, { root: false, mapping: true, simpleKey: false });
    }
    this.popIndent();
  }

  private emitScalar(text: string, requested: ScalarStyle, ctx: Context): void {
    const chars = Array.from(text, (c) => c.codePointAt(0)!);
    const analysis = analyzeScalar(chars);
    let style = requested;
    if (ctx.simpleKey && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (
        (this.flowLevel > 0 && !analysis.flowPlainAllowed) ||
        (this.flowLevel === 0 && !analysis.blockPlainAllowed)
      ) {
        style = 'single';
      }
      if (chars.length === 0 && (this.flowLevel > 0 || ctx.simpleKey)) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!analysis.blockAllowed || this.flowLevel > 0 || ctx.simpleKey))
      style = 'double';

    this.increaseIndent(true, false);
    const allowBreaks = !ctx.simpleKey;
    if (style === 'plain') this.writeFlowText(chars, allowBreaks, '');
    else if (style === 'single') this.writeFlowText(chars, allowBreaks, "'");
    else if (style === 'double') this.writeDoubleQuoted(chars, allowBreaks);
    else this.writeLiteral(chars);
    this.popIndent();
  }

  // Plain and single-quoted scalars: folded at a single space past the width; a quote is doubled.
  private writeFlowText(chars: readonly number[], allowBreaks: boolean, quote: '' | "'"): void {
    if (quote) this.writeIndicator(quote, true, false, false);
    else if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (c === 0x20) {
        const fold = allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1;
        if (fold && chars[i + 1] !== 0x20) this.writeIndent();
        else this.put(' ');
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === 0x0a) this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === 0x27 && quote) this.put("'");
        this.put(String.fromCodePoint(c));
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    if (quote) this.writeIndicator(quote, false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeBreak(c: number): void {
    if (c === 0x0a) this.putBreak();
    else {
      this.out += String.fromCodePoint(c);
      this.column = 0;
    }
  }

  private writeDoubleQuoted(chars: readonly number[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    // libyaml checks for a byte order mark at the start of the value, not at each character.
    const startsWithBom = chars[0] === 0xfeff;
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i];
      if (!isPrintable(c) || startsWithBom || isBreak(c) || c === 0x22 || c === 0x5c) {
        this.writeText(`\\${escapeFor(c)}`);
        spaces = false;
      } else if (c === 0x20) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === 0x20) this.put('\\');
        } else this.put(' ');
        spaces = true;
      } else {
        this.put(String.fromCodePoint(c));
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(chars: readonly number[]): void {
    this.writeIndicator('|', true, false, false);
    if (chars[0] === 0x20 || isBreak(chars[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    const last = chars[chars.length - 1];
    if (chars.length === 0 || !isBreak(last)) this.writeIndicator('-', false, false, false);
    else if (chars.length === 1 || isBreak(chars[chars.length - 2]))
      this.writeIndicator('+', false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(String.fromCodePoint(c));
        this.indention = false;
        breaks = false;
      }
    }
  }
}

function hasBreak(text: string): boolean {
  for (const ch of text) if (isBreak(ch.codePointAt(0))) return true;
  return false;
}

const SHORT_ESCAPES: Record<number, string> = {
  0x00: '0',
  0x07: 'a',
  0x08: 'b',
  0x09: 't',
  0x0a: 'n',
  0x0b: 'v',
  0x0c: 'f',
  0x0d: 'r',
  0x1b: 'e',
  0x22: '"',
  0x5c: '\\',
  0x85: 'N',
  0xa0: '_',
  0x2028: 'L',
  0x2029: 'P',
};

// The escape sequence after the backslash.
function escapeFor(c: number): string {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return short;
  const hex = c.toString(16).toUpperCase();
  if (c <= 0xff) return `x${hex.padStart(2, '0')}`;
  if (c <= 0xffff) return `u${hex.padStart(4, '0')}`;
  return `U${hex.padStart(8, '0')}`;
}

export class YamlConversionError extends Error {}

// go-yaml reads the JSON text back as YAML before writing it, which changes strings the JSON encoder
// leaves raw: it refuses DEL and C1 control characters, and folds a NEL line break (with the blanks
// around it) into a space, or n of them into n-1 newlines.
function asYamlReadsJsonString(text: string): string {
  if (/[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/.test(text)) {
    throw new YamlConversionError('yaml: control characters are not allowed');
  }
  if (!text.includes('\u0085')) return text;
  return text.replace(/[ \t]*\u0085(?:[ \t]*\u0085)*[ \t]*/g, (run) => {
    const breaks = run.split('\u0085').length - 1;
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
  });
}

function readBack(value: GoJson): GoJson {
  if (typeof value === 'string') return asYamlReadsJsonString(value);
  if (Array.isArray(value)) return value.map(readBack);
  if (value instanceof GoObject) {
    return new GoObject(value.entries.map(([k, v]) => [asYamlReadsJsonString(k), readBack(v)]));
  }
  return value;
}

/** The YAML document go-yaml v2 writes for a JSON value, ending with a newline. */
export function emitYaml(value: GoJson): string {
  const e = new Emitter();
  e.emitNode(readBack(value), { root: true, mapping: false, simpleKey: false });
  // The implicit document end starts a new line unless the output already ends with one.
  e.indent = -1;
  e.writeIndent();
  return e.out;
}
