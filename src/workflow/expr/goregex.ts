// Go (RE2) regular expressions run on JavaScript's engine: the syntax users write in
// `matches`, `=~` and sprig's regex functions is Go's, so the RE2-only forms are translated.
import { fault } from './errors.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const cache = new Map<string, RegExp>();

/** Compiles a Go regular expression; `global` for find-all/replace-all use. */
export function goRegExp(pattern: string, global = false): RegExp {
  const key = (global ? 'g:' : ':') + pattern;
  const hit = cache.get(key);
  if (hit) {
    hit.lastIndex = 0;
    return hit;
  }
  let src = pattern;
  let flags = global ? 'g' : '';
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) fault(`error parsing regexp: ungreedy flag is not supported: \`${pattern}\``);
    for (const f of lead[1]) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '\\') {
      const n = src[i + 1];
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = src.slice(i + 2, end < 0 ? src.length : end);
        out += lit.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (!inClass && n === 'z') {
        out += '(?![\\s\\S])';
        i++;
        continue;
      }
      if (!inClass && n === 'A') {
        out += '(?<![\\s\\S])';
        i++;
        continue;
      }
      if (n === 'p' || n === 'P') unicode = true;
      if (n === 'x' && src[i + 2] === '{') {
        const end = src.indexOf('}', i + 3);
        out += `\\u{${src.slice(i + 3, end)}}`;
        unicode = true;
        i = end;
        continue;
      }
      out += ch + (n ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (ch === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        if (m && POSIX[m[2]]) {
          if (m[1]) fault(`error parsing regexp: negated POSIX classes are not supported: \`${pattern}\``);
          out += POSIX[m[2]];
          i += m[0].length - 1;
          continue;
        }
      }
      if (ch === ']') inClass = false;
      out += ch === '[' ? '\\[' : ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      if (src[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (ch === '(' && /^\(\?[imsU-]+[:)]/.test(src.slice(i))) {
      fault(`error parsing regexp: inline flag groups are not supported: \`${pattern}\``);
    }
    out += ch;
  }
  if (unicode) flags += 'u';
  let re: RegExp;
  try {
    re = new RegExp(out, flags);
  } catch (e) {
    return fault(
      `error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}: \`${pattern}\``,
    );
  }
  if (cache.size > 500) cache.clear();
  cache.set(key, re);
  return re;
}

export function goRegexMatch(pattern: string, s: string): boolean {
  return goRegExp(pattern).test(s);
}

/** Go's Regexp.ReplaceAllString: `$1`, `${name}` expand; `$name` takes the longest word. */
export function goRegexReplaceAll(pattern: string, s: string, repl: string, literal = false): string {
  const re = goRegExp(pattern, true);
  return s.replace(re, (...args: unknown[]) => {
    if (literal) return repl;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = (hasGroups ? args[args.length - 1] : undefined) as
      Record<string, string | undefined> | undefined;
    const numbered = args.slice(0, hasGroups ? -3 : -2) as Array<string | undefined>;
    return repl.replace(
      /\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g,
      (_m, all: string, braced?: string, bare?: string) => {
        if (all === '$') return '$';
        const name = braced ?? bare ?? '';
        if (/^[0-9]+$/.test(name)) return numbered[Number(name)] ?? '';
        return groups?.[name] ?? '';
      },
    );
  });
}
