// `kubectl get -o jsonpath=TEMPLATE`, which upstream runs for an output parameter's
// valueFrom.jsonPath. Text outside braces is copied; inside, `{"text"}` is a literal and anything
// else a path: `.a.b`, `['a.b']`, `[0]`, `[-1]`, `[1:3]`, `[*]`, `.*`, `..name`, and filters
// `[?(@.type=="Ready")]`. Missing keys print nothing (kubectl allows them by default); a path's
// several results are joined by spaces; strings print bare, maps and lists as JSON. Range/end
// blocks are not supported and say so.
export class JsonPathError extends Error {}

type Step =
  | { t: 'key'; key: string }
  | { t: 'index'; i: number }
  | { t: 'slice'; from?: number; to?: number; step?: number }
  | { t: 'all' }
  | { t: 'descend' }
  | { t: 'filter'; left: Step[]; op?: string; right?: unknown };

type Node = { text: string } | { path: Step[] };

function fail(template: string, why: string): never {
  throw new JsonPathError(`error parsing jsonpath ${template}, ${why}`);
}

/** The template split into literal text and `{...}` actions. */
function parseTemplate(template: string): Node[] {
  const nodes: Node[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      nodes.push({ text: template.slice(i) });
      break;
    }
    if (open > i) nodes.push({ text: template.slice(i, open) });
    const close = closingBrace(template, open);
    if (close < 0) fail(template, 'unclosed action');
    const body = template.slice(open + 1, close).trim();
    if (/^"(?:[^"\\]|\\.)*"$/.test(body)) nodes.push({ text: JSON.parse(body) as string });
    else if (/^(range|end)\b/.test(body))
      throw new JsonPathError(`jsonpath {${body}}: range/end blocks are not supported`);
    else nodes.push({ path: new PathParser(body, template).parse() });
    i = close + 1;
  }
  return nodes;
}

/** The `}` that ends the action at `open`, skipping braces inside quoted strings. */
function closingBrace(s: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}

class PathParser {
  private i = 0;
  constructor(
    private readonly s: string,
    private readonly template: string,
  ) {}

  parse(): Step[] {
    if (this.s === '$' || this.s === '@' || this.s === '.') return [];
    if (this.s[0] === '$' || this.s[0] === '@') this.i = 1;
    const steps = this.steps();
    if (this.i < this.s.length) fail(this.template, `unrecognized character in action: ${this.s[this.i]}`);
    return steps;
  }

  private steps(stopAt = ''): Step[] {
    const steps: Step[] = [];
    while (this.i < this.s.length && !stopAt.includes(this.s[this.i])) {
      const c = this.s[this.i];
      if (c === '.' && this.s[this.i + 1] === '.') {
        this.i += 2;
        steps.push({ t: 'descend' });
        if (this.s[this.i] !== '[') steps.push(this.name());
      } else if (c === '.') {
        this.i++;
        if (this.i >= this.s.length || stopAt.includes(this.s[this.i])) break;
        steps.push(this.name());
      } else if (c === '[') steps.push(this.bracket());
      else break;
    }
    return steps;
  }

  private name(): Step {
    if (this.s[this.i] === '*') {
      this.i++;
      return { t: 'all' };
    }
    let key = '';
    while (this.i < this.s.length && !/[.[\]\s()=!<>]/.test(this.s[this.i])) {
      // `\.` keeps a dot in a key, as in `.metadata.annotations.example\.com/x`.
      if (this.s[this.i] === '\\' && this.i + 1 < this.s.length) this.i++;
      key += this.s[this.i++];
    }
    if (!key) fail(this.template, `expected a key at ${JSON.stringify(this.s.slice(this.i))}`);
    return { t: 'key', key };
  }

  private bracket(): Step {
    const close = this.s.indexOf(']', this.i);
    if (close < 0) fail(this.template, 'unterminated array');
    if (this.s.startsWith('[?(', this.i)) return this.filter();
    const inner = this.s.slice(this.i + 1, close).trim();
    this.i = close + 1;
    if (inner === '*') return { t: 'all' };
    const quoted = /^'([^']*)'$|^"([^"]*)"$/.exec(inner);
    if (quoted) return { t: 'key', key: quoted[1] ?? quoted[2] };
    if (/^-?\d+$/.test(inner)) return { t: 'index', i: Number(inner) };
    const slice = /^(-?\d+)?:(-?\d+)?(?::(-?\d+))?$/.exec(inner);
    if (slice) {
      const n = (v?: string) => (v === undefined ? undefined : Number(v));
      return { t: 'slice', from: n(slice[1]), to: n(slice[2]), step: n(slice[3]) };
    }
    return fail(this.template, `invalid array index ${inner}`);
  }

  private filter(): Step {
    this.i += 3;
    while (this.s[this.i] === ' ') this.i++;
    if (this.s[this.i] !== '@') fail(this.template, 'a filter must start with @');
    this.i++;
    const left = this.steps(' =!<>)');
    while (this.s[this.i] === ' ') this.i++;
    let op: string | undefined;
    let right: unknown;
    const m = /^(==|!=|<=|>=|<|>)\s*/.exec(this.s.slice(this.i));
    if (m) {
      op = m[1];
      this.i += m[0].length;
      right = this.literal();
    }
    while (this.s[this.i] === ' ') this.i++;
    if (!this.s.startsWith(')]', this.i)) fail(this.template, 'unclosed filter');
    this.i += 2;
    return { t: 'filter', left, op, right };
  }

  private literal(): unknown {
    const rest = this.s.slice(this.i);
    const m = /^"((?:[^"\\]|\\.)*)"|^'([^']*)'|^(-?\d+(?:\.\d+)?)|^(true|false)/.exec(rest);
    if (!m) fail(this.template, `unrecognized literal ${rest}`);
    this.i += m![0].length;
    if (m![1] !== undefined) return JSON.parse(`"${m![1]}"`) as string;
    if (m![2] !== undefined) return m![2];
    if (m![3] !== undefined) return Number(m![3]);
    return m![4] === 'true';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function descendants(v: unknown, out: unknown[]): void {
  out.push(v);
  if (Array.isArray(v)) for (const x of v) descendants(x, out);
  else if (isObject(v)) for (const x of Object.values(v)) descendants(x, out);
}

function compare(a: unknown, op: string, b: unknown): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) return false;
  const [x, y] = [a as number | string, b as number | string];
  return op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : x >= y;
}

function apply(step: Step, values: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    switch (step.t) {
      case 'key':
        if (isObject(v) && Object.prototype.hasOwnProperty.call(v, step.key)) out.push(v[step.key]);
        break;
      case 'index':
        if (Array.isArray(v)) {
          const i = step.i < 0 ? v.length + step.i : step.i;
          if (i >= 0 && i < v.length) out.push(v[i]);
        }
        break;
      case 'slice':
        if (Array.isArray(v)) {
          const norm = (n: number | undefined, dflt: number) =>
            n === undefined ? dflt : Math.min(Math.max(n < 0 ? v.length + n : n, 0), v.length);
          const by = step.step && step.step > 0 ? step.step : 1;
          for (let i = norm(step.from, 0); i < norm(step.to, v.length); i += by) out.push(v[i]);
        }
        break;
      case 'all':
        if (Array.isArray(v)) out.push(...v);
        else if (isObject(v)) out.push(...Object.values(v));
        break;
      case 'descend':
        descendants(v, out);
        break;
      case 'filter': {
        const items = Array.isArray(v) ? v : isObject(v) ? Object.values(v) : [];
        for (const item of items) {
          const found = evalSteps(step.left, [item]);
          if (step.op === undefined ? found.length > 0 : found.some((f) => compare(f, step.op!, step.right)))
            out.push(item);
        }
        break;
      }
    }
  }
  return out;
}

function evalSteps(steps: Step[], values: unknown[]): unknown[] {
  return steps.reduce((acc, s) => apply(s, acc), values);
}

/** Go's encoding/json of a decoded object: map keys sorted, HTML characters escaped. */
export function goJson(v: unknown): string {
  const sorted = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sorted);
    if (!isObject(x)) return x;
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, sorted(x[k])]),
    );
  };
  return JSON.stringify(sorted(v))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function printValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'object') return goJson(v);
  return String(v);
}

export function kubectlJsonPath(template: string, obj: unknown): string {
  let out = '';
  for (const node of parseTemplate(template)) {
    if ('text' in node) out += node.text;
    else out += evalSteps(node.path, [obj]).map(printValue).join(' ');
  }
  return out;
}
