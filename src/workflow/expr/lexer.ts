// Tokenizer for the expr-lang syntax.
import { ExprError } from './errors.js';

export type TokenKind = 'ident' | 'number' | 'string' | 'op' | 'bracket' | 'eof';

export interface Token {
  kind: TokenKind;
  value: string;
  /** 0-based offset in the source. */
  pos: number;
}

const WORD_OPERATORS = new Set([
  'in',
  'or',
  'and',
  'matches',
  'contains',
  'startsWith',
  'endsWith',
  'let',
  'if',
  'else',
]);
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

function isAlphaNumeric(ch: string): boolean {
  return /^[\p{L}\p{Nd}_$]$/u.test(ch);
}

function isSpace(ch: string): boolean {
  return /^\s$/u.test(ch);
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const err = (reason: string, at: number): never => {
    throw new ExprError(reason, src, at + 1);
  };
  const push = (kind: TokenKind, value: string, pos: number): void => {
    tokens.push({ kind, value, pos });
  };
  while (i < src.length) {
    const ch = src[i];
    const start = i;
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const [value, end] = scanQuoted(src, i, err);
      push('string', value, start);
      i = end;
      continue;
    }
    if (ch === '`') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= src.length) err('literal not terminated', j);
        if (src[j] === '`') {
          if (src[j + 1] === '`') {
            value += '`';
            j += 2;
            continue;
          }
          break;
        }
        value += src[j++];
      }
      push('string', value, start);
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      i = scanNumber(src, i, err);
      push('number', src.slice(start, i), start);
      continue;
    }
    if (ch === '?') {
      i++;
      if (src[i] === '.' || src[i] === '?') i++;
      push('op', src.slice(start, i), start);
      continue;
    }
    if (ch === '/') {
      if (src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i++;
        continue;
      }
      if (src[i + 1] === '*') {
        const end = src.indexOf('*/', i + 2);
        if (end < 0) err('unclosed comment', src.length - 1);
        i = end + 2;
        continue;
      }
      push('op', '/', start);
      i++;
      continue;
    }
    if (ch === '#') {
      push('op', '#', start);
      i++;
      let j = i;
      while (j < src.length && isAlphaNumeric(src[j])) j++;
      if (j > i) push('ident', src.slice(i, j), i);
      i = j;
      continue;
    }
    if (ch === '|' || ch === ':') {
      i++;
      if (src[i] === ch) i++;
      push('op', src.slice(start, i), start);
      continue;
    }
    if ('([{'.includes(ch) || ')]}'.includes(ch)) {
      push('bracket', ch, start);
      i++;
      continue;
    }
    if (',;%+-^'.includes(ch)) {
      push('op', ch, start);
      i++;
      continue;
    }
    if ('&!=*<>'.includes(ch)) {
      i++;
      if ('&=*'.includes(src[i] ?? '\0')) i++;
      push('op', src.slice(start, i), start);
      continue;
    }
    if (ch === '.') {
      i++;
      if (src[i] === '.') i++;
      push('op', src.slice(start, i), start);
      continue;
    }
    if (isAlphaNumeric(ch)) {
      while (i < src.length && isAlphaNumeric(src[i])) i++;
      const word = src.slice(start, i);
      if (word === 'not') {
        push('op', 'not', start);
        // "not in", "not matches", ...: the following word is an operator too.
        let j = i;
        while (src[j] === ' ') j++;
        let k = j;
        while (k < src.length && isAlphaNumeric(src[k])) k++;
        const next = src.slice(j, k);
        if (NEGATABLE.has(next)) {
          push('op', next, j);
          i = k;
        }
      } else {
        push(WORD_OPERATORS.has(word) ? 'op' : 'ident', word, start);
      }
      continue;
    }
    const cp = src.codePointAt(i)!;
    err(
      `unrecognized character: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCodePoint(cp)}'`,
      i,
    );
  }
  push('eof', '', src.length);
  return tokens;
}

function scanNumber(src: string, i: number, err: (reason: string, at: number) => never): number {
  const start = i;
  let digits = /[0-9_]/;
  if (src[i] === '0' && /[xXoObB]/.test(src[i + 1] ?? '')) {
    const p = src[i + 1].toLowerCase();
    digits = p === 'x' ? /[0-9a-fA-F_]/ : p === 'o' ? /[0-7_]/ : /[01_]/;
    i += 2;
  }
  while (i < src.length && digits.test(src[i])) i++;
  if (src[i] === '.' && src[i + 1] !== '.') {
    i++;
    while (i < src.length && digits.test(src[i])) i++;
  }
  if (src[i] === 'e' || src[i] === 'E') {
    i++;
    if (src[i] === '+' || src[i] === '-') i++;
    while (i < src.length && digits.test(src[i])) i++;
  }
  if (i < src.length && isAlphaNumeric(src[i])) err(`bad number syntax: "${src.slice(start, i + 1)}"`, i);
  return i;
}

function scanQuoted(
  src: string,
  i: number,
  err: (reason: string, at: number) => never,
): [value: string, end: number] {
  const quote = src[i];
  let j = i + 1;
  let out = '';
  for (;;) {
    const ch = src[j];
    if (ch === undefined || ch === '\n') err('literal not terminated', j);
    if (ch === quote) return [out, j + 1];
    if (ch !== '\\') {
      out += ch;
      j++;
      continue;
    }
    const e = src[j + 1];
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      [quote]: quote,
    };
    if (e !== undefined && e in simple) {
      out += simple[e];
      j += 2;
      continue;
    }
    const hex = (len: number, from: number): number => {
      const digits = src.slice(from, from + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(digits)) err('invalid char escape', from);
      return parseInt(digits, 16);
    };
    if (e !== undefined && e >= '0' && e <= '7') {
      const digits = src.slice(j + 1, j + 4);
      if (!/^[0-7]{3}$/.test(digits)) err('invalid char escape', j + 1);
      const v = parseInt(digits, 8);
      if (v > 255) err('invalid char escape', j + 1);
      out += String.fromCharCode(v);
      j += 4;
    } else if (e === 'x') {
      out += String.fromCharCode(hex(2, j + 2));
      j += 4;
    } else if (e === 'u' && src[j + 2] === '{') {
      const close = src.indexOf('}', j + 3);
      const digits = close < 0 ? '' : src.slice(j + 3, close);
      if (!/^[0-9a-fA-F]{1,6}$/.test(digits) || parseInt(digits, 16) > 0x10ffff)
        err('invalid char escape', j + 2);
      out += String.fromCodePoint(parseInt(digits, 16));
      j = close + 1;
    } else if (e === 'u' || e === 'U') {
      const len = e === 'u' ? 4 : 8;
      const cp = hex(len, j + 2);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) err('invalid char escape', j + 2);
      out += String.fromCodePoint(cp);
      j += 2 + len;
    } else {
      err('invalid char escape', j + 1);
    }
  }
}
