// Pratt parser for expr-lang, following its precedence table and special forms (chained
// comparisons, `not in`, pipes, predicates, optional chaining, `let`, `if/else`).
import type { Node } from './ast.js';
import { ExprError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

interface Operator {
  precedence: number;
  right?: boolean;
}

const BINARY: Record<string, Operator> = {
  '|': { precedence: 0 },
  or: { precedence: 10 },
  '||': { precedence: 10 },
  and: { precedence: 15 },
  '&&': { precedence: 15 },
  '==': { precedence: 20 },
  '!=': { precedence: 20 },
  '<': { precedence: 20 },
  '>': { precedence: 20 },
  '>=': { precedence: 20 },
  '<=': { precedence: 20 },
  in: { precedence: 20 },
  matches: { precedence: 20 },
  contains: { precedence: 20 },
  startsWith: { precedence: 20 },
  endsWith: { precedence: 20 },
  '..': { precedence: 25 },
  '+': { precedence: 30 },
  '-': { precedence: 30 },
  '*': { precedence: 60 },
  '/': { precedence: 60 },
  '%': { precedence: 60 },
  '**': { precedence: 100, right: true },
  '^': { precedence: 100, right: true },
  '??': { precedence: 500 },
};

const UNARY: Record<string, number> = { not: 50, '!': 50, '-': 90, '+': 90 };

const COMPARISONS = new Set(['<', '>', '<=', '>=']);
const NEGATABLE = new Set(['in', 'matches', 'contains', 'startsWith', 'endsWith']);

type ArgKind = 'expr' | 'predicate' | 'expr?' | 'predicate?';

/** Builtins whose arguments include predicates (closures over `#`). */
export const PREDICATE_BUILTINS: Record<string, ArgKind[]> = {
  all: ['expr', 'predicate'],
  none: ['expr', 'predicate'],
  any: ['expr', 'predicate'],
  one: ['expr', 'predicate'],
  filter: ['expr', 'predicate'],
  map: ['expr', 'predicate'],
  count: ['expr', 'predicate?'],
  sum: ['expr', 'predicate?'],
  find: ['expr', 'predicate'],
  findIndex: ['expr', 'predicate'],
  findLast: ['expr', 'predicate'],
  findLastIndex: ['expr', 'predicate'],
  groupBy: ['expr', 'predicate'],
  sortBy: ['expr', 'predicate', 'expr?'],
  reduce: ['expr', 'predicate', 'expr?'],
};

/** Names parsed as builtin calls; set by the builtins module. */
const builtinNames = new Set<string>(Object.keys(PREDICATE_BUILTINS));

export function registerBuiltinNames(names: Iterable<string>): void {
  for (const n of names) builtinNames.add(n);
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'end of expression' : `'${t.value}'`;
}

class Parser {
  private i = 0;
  private depth = 0;
  private readonly tokens: Token[];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  private get cur(): Token {
    return this.tokens[this.i];
  }

  private fail(reason: string, t: Token = this.cur): never {
    throw new ExprError(reason, this.src, t.pos + 1);
  }

  private is(kind: Token['kind'], value?: string): boolean {
    const t = this.cur;
    return t.kind === kind && (value === undefined || t.value === value);
  }

  private next(): void {
    if (this.i < this.tokens.length - 1) this.i++;
  }

  private expect(kind: Token['kind'], value?: string): Token {
    const t = this.cur;
    if (!this.is(kind, value))
      this.fail(t.kind === 'eof' ? 'unexpected end of expression' : `unexpected token ${describe(t)}`);
    this.next();
    return t;
  }

  parse(): Node {
    if (this.is('eof')) this.fail('unexpected end of expression');
    const node = this.parseSequence();
    if (!this.is('eof')) this.fail(`unexpected token ${describe(this.cur)}`);
    return node;
  }

  private parseSequence(): Node {
    const nodes = [this.parseExpression(0)];
    while (this.is('op', ';')) {
      this.next();
      if (this.is('eof')) break;
      nodes.push(this.parseExpression(0));
    }
    return nodes.length === 1 ? nodes[0] : { type: 'sequence', nodes, pos: nodes[0].pos };
  }

  private parseExpression(precedence: number): Node {
    if (precedence === 0 && this.is('op', 'let')) return this.parseLet();
    if (precedence === 0 && this.is('op', 'if')) return this.parseIf();
    let left = this.parsePrimary();
    let prev = '';
    for (;;) {
      let opTok = this.cur;
      if (opTok.kind !== 'op') break;
      const negate = opTok.value === 'not';
      if (negate) {
        const backup = this.i;
        this.next();
        const t = this.cur;
        if (t.kind !== 'op' || !NEGATABLE.has(t.value)) this.fail(`unexpected token ${describe(t)}`);
        if (BINARY[t.value].precedence < precedence) {
          this.i = backup;
          break;
        }
        opTok = t;
      }
      const op = BINARY[opTok.value];
      if (!op || op.precedence < precedence) break;
      this.next();
      if (opTok.value === '|') {
        const name = this.expect('ident');
        left = this.parseCall(name, [left]);
      } else {
        if (prev === '??' && opTok.value !== '??') {
          this.fail(
            `Operator (${opTok.value}) and coalesce expressions (??) cannot be mixed. Wrap either by parentheses.`,
            opTok,
          );
        }
        if (COMPARISONS.has(opTok.value)) {
          left = this.parseComparison(left, opTok, op.precedence);
        } else {
          const right = this.parseExpression(op.right ? op.precedence : op.precedence + 1);
          left = { type: 'binary', op: normalizeOp(opTok.value), left, right, pos: opTok.pos };
          if (negate) left = { type: 'unary', op: '!', operand: left, pos: opTok.pos };
        }
      }
      prev = opTok.value;
    }
    if (precedence === 0) left = this.parseConditional(left);
    return left;
  }

  private parseLet(): Node {
    this.expect('op', 'let');
    const name = this.expect('ident');
    this.expect('op', '=');
    const value = this.parseExpression(0);
    this.expect('op', ';');
    const body = this.parseSequence();
    return { type: 'let', name: name.value, value, body, pos: name.pos };
  }

  private parseIf(): Node {
    const start = this.cur;
    this.next();
    const cond = this.parseExpression(0);
    this.expect('bracket', '{');
    const then = this.parseSequence();
    this.expect('bracket', '}');
    this.expect('op', 'else');
    let otherwise: Node;
    if (this.is('op', 'if')) {
      otherwise = this.parseIf();
    } else {
      this.expect('bracket', '{');
      otherwise = this.parseSequence();
      this.expect('bracket', '}');
    }
    return { type: 'conditional', cond, then, else: otherwise, pos: start.pos };
  }

  private parseConditional(node: Node): Node {
    while (this.is('op', '?')) {
      const q = this.cur;
      this.next();
      let then: Node;
      let otherwise: Node;
      if (!this.is('op', ':')) {
        then = this.parseExpression(0);
        this.expect('op', ':');
        otherwise = this.parseExpression(0);
      } else {
        this.next();
        then = node;
        otherwise = this.parseExpression(0);
      }
      node = { type: 'conditional', cond: node, then, else: otherwise, pos: q.pos };
    }
    return node;
  }

  private parseComparison(left: Node, token: Token, precedence: number): Node {
    let root: Node | undefined;
    for (;;) {
      const right = this.parseExpression(precedence + 1);
      const cmp: Node = { type: 'binary', op: token.value, left, right, pos: token.pos };
      root = root ? { type: 'binary', op: '&&', left: root, right: cmp, pos: token.pos } : cmp;
      left = right;
      token = this.cur;
      if (!(token.kind === 'op' && COMPARISONS.has(token.value))) break;
      this.next();
    }
    return root;
  }

  private parsePrimary(): Node {
    const t = this.cur;
    if (t.kind === 'op' && UNARY[t.value] !== undefined) {
      this.next();
      const operand = this.parseExpression(UNARY[t.value]);
      return this.parsePostfix({ type: 'unary', op: t.value === 'not' ? '!' : t.value, operand, pos: t.pos });
    }
    if (t.kind === 'bracket' && t.value === '(') {
      this.next();
      const inner = this.parseSequence();
      this.expect('bracket', ')');
      return this.parsePostfix(inner);
    }
    if (this.depth > 0 && t.kind === 'op' && (t.value === '#' || t.value === '.')) {
      let name = '';
      if (t.value === '#') {
        this.next();
        if (this.is('ident')) {
          name = this.cur.value;
          this.next();
        }
      }
      if (name !== '' && name !== 'index' && name !== 'acc') this.fail(`unknown pointer #${name}`, t);
      return this.parsePostfix({ type: 'pointer', name, pos: t.pos });
    }
    if (t.kind === 'op' && t.value === '::') {
      this.next();
      const name = this.expect('ident');
      return this.parsePostfix(this.parseCall(name, []));
    }
    return this.parseSecondary();
  }

  private parseSecondary(): Node {
    const t = this.cur;
    let node: Node;
    switch (t.kind) {
      case 'ident':
        this.next();
        if (t.value === 'true' || t.value === 'false')
          return { type: 'bool', value: t.value === 'true', pos: t.pos };
        if (t.value === 'nil') return { type: 'nil', pos: t.pos };
        node = this.is('bracket', '(') ? this.parseCall(t, []) : { type: 'ident', name: t.value, pos: t.pos };
        break;
      case 'number':
        this.next();
        return parseNumber(t, this.src);
      case 'string':
        this.next();
        node = { type: 'string', value: t.value, pos: t.pos };
        break;
      default:
        if (t.kind === 'bracket' && t.value === '[') node = this.parseArray();
        else if (t.kind === 'bracket' && t.value === '{') node = this.parseMap();
        else this.fail(t.kind === 'eof' ? 'unexpected end of expression' : `unexpected token ${describe(t)}`);
    }
    return this.parsePostfix(node);
  }

  private parseCall(name: Token, args: Node[]): Node {
    const spec = PREDICATE_BUILTINS[name.value];
    if (spec) {
      this.expect('bracket', '(');
      const rest = spec.slice(args.length);
      for (let i = 0; i < rest.length; i++) {
        const kind = rest[i];
        if (this.is('bracket', ')')) {
          if (kind.endsWith('?')) break;
          this.fail(`expected at least ${rest.filter((k) => !k.endsWith('?')).length} arguments`);
        }
        if (i > 0) this.expect('op', ',');
        args.push(kind.startsWith('predicate') ? this.parsePredicate() : this.parseExpression(0));
      }
      if (this.is('op', ',')) this.next();
      this.expect('bracket', ')');
      return { type: 'builtin', name: name.value, args, pos: name.pos };
    }
    if (builtinNames.has(name.value)) {
      return { type: 'builtin', name: name.value, args: this.parseArguments(args), pos: name.pos };
    }
    return {
      type: 'call',
      callee: { type: 'ident', name: name.value, pos: name.pos },
      args: this.parseArguments(args),
      pos: name.pos,
    };
  }

  private parseArguments(args: Node[]): Node[] {
    const offset = args.length;
    this.expect('bracket', '(');
    while (!this.is('bracket', ')')) {
      if (args.length > offset) {
        this.expect('op', ',');
        if (this.is('bracket', ')')) break;
      }
      args.push(this.parseExpression(0));
    }
    this.expect('bracket', ')');
    return args;
  }

  private parsePredicate(): Node {
    const start = this.cur;
    const braces = this.is('bracket', '{');
    if (braces) this.next();
    this.depth++;
    let body: Node;
    if (braces) {
      body = this.parseSequence();
    } else {
      body = this.parseExpression(0);
      if (this.is('op', ';')) this.fail('wrap predicate with brackets { and }');
    }
    this.depth--;
    if (braces) this.expect('bracket', '}');
    return { type: 'predicate', body, pos: start.pos };
  }

  private parseArray(): Node {
    const start = this.expect('bracket', '[');
    const items: Node[] = [];
    while (!this.is('bracket', ']')) {
      if (items.length > 0) {
        this.expect('op', ',');
        if (this.is('bracket', ']')) break;
      }
      items.push(this.parseExpression(0));
    }
    this.expect('bracket', ']');
    return { type: 'array', items, pos: start.pos };
  }

  private parseMap(): Node {
    const start = this.expect('bracket', '{');
    const entries: Array<[Node, Node]> = [];
    while (!this.is('bracket', '}')) {
      if (entries.length > 0) {
        this.expect('op', ',');
        if (this.is('bracket', '}')) break;
        if (this.is('op', ',')) this.fail(`unexpected token ${describe(this.cur)}`);
      }
      const k = this.cur;
      let key: Node;
      if (k.kind === 'number' || k.kind === 'string' || k.kind === 'ident') {
        key = { type: 'string', value: k.value, pos: k.pos };
        this.next();
      } else if (k.kind === 'bracket' && k.value === '(') {
        key = this.parseExpression(0);
      } else {
        this.fail(
          `a map key must be a quoted string, a number, a identifier, or an expression enclosed in parentheses (unexpected token ${describe(k)})`,
        );
      }
      this.expect('op', ':');
      entries.push([key, this.parseExpression(0)]);
    }
    this.expect('bracket', '}');
    return { type: 'map', entries, pos: start.pos };
  }

  private parsePostfix(node: Node): Node {
    for (;;) {
      const t = this.cur;
      if (t.kind !== 'op' && t.kind !== 'bracket') return node;
      let optional = t.value === '?.';
      if (t.value === '.' || optional) {
        this.next();
        const prop = this.cur;
        if (!(optional && prop.kind === 'bracket' && prop.value === '[')) {
          this.next();
          if (
            prop.kind !== 'ident' &&
            !(prop.kind === 'op' && /^[\p{L}_$][\p{L}\p{Nd}_$]*$/u.test(prop.value))
          ) {
            this.fail('expected name', prop);
          }
          const isChain = node.type === 'chain';
          const base = node.type === 'chain' ? node.node : node;
          const member: Node = {
            type: 'member',
            object: base,
            property: { type: 'string', value: prop.value, pos: prop.pos },
            optional,
            pos: prop.pos,
          };
          node = this.is('bracket', '(')
            ? { type: 'call', callee: member, args: this.parseArguments([]), pos: prop.pos }
            : member;
          if (isChain || optional) node = { type: 'chain', node, pos: prop.pos };
          continue;
        }
      } else if (!(t.kind === 'bracket' && t.value === '[')) {
        return node;
      } else {
        optional = false;
      }
      // `[` (possibly after `?.`): an index or a slice.
      const bracket = this.cur;
      this.next();
      if (this.is('op', ':')) {
        this.next();
        const to = this.is('bracket', ']') ? undefined : this.parseExpression(0);
        node = { type: 'slice', object: node, to, pos: bracket.pos };
        this.expect('bracket', ']');
        continue;
      }
      const from = this.parseExpression(0);
      if (this.is('op', ':')) {
        this.next();
        const to = this.is('bracket', ']') ? undefined : this.parseExpression(0);
        node = { type: 'slice', object: node, from, to, pos: bracket.pos };
      } else {
        node = { type: 'member', object: node, property: from, optional, pos: bracket.pos };
        if (optional) node = { type: 'chain', node, pos: bracket.pos };
      }
      this.expect('bracket', ']');
    }
  }
}

function normalizeOp(op: string): string {
  switch (op) {
    case 'and':
      return '&&';
    case 'or':
      return '||';
    case '^':
      return '**';
    default:
      return op;
  }
}

function parseNumber(t: Token, src: string): Node {
  const text = t.value.replace(/_/g, '');
  const lower = text.toLowerCase();
  const bad = (what: string): never => {
    throw new ExprError(`invalid ${what} literal: ${t.value}`, src, t.pos + 1);
  };
  if (/^0[xob]/.test(lower)) {
    const digits = text.slice(2);
    const radix = lower[1] === 'x' ? 16 : lower[1] === 'o' ? 8 : 2;
    const re = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[01]+$/;
    if (!re.test(digits)) bad(radix === 16 ? 'hex' : radix === 8 ? 'octal' : 'binary');
    const v = BigInt(`0${lower[1]}${digits}`);
    if (v > (1n << 63n) - 1n) throw new ExprError('integer literal is too large', src, t.pos + 1);
    return { type: 'int', value: v, pos: t.pos };
  }
  if (/[.e]/.test(lower)) {
    if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/.test(lower)) bad('float');
    const f = Number(text);
    if (!Number.isFinite(f)) throw new ExprError('float literal is too large', src, t.pos + 1);
    return { type: 'float', value: f, pos: t.pos };
  }
  if (!/^[0-9]+$/.test(text)) bad('integer');
  const v = BigInt(text);
  if (v > (1n << 63n) - 1n) throw new ExprError('integer literal is too large', src, t.pos + 1);
  return { type: 'int', value: v, pos: t.pos };
}

export function parse(src: string): Node {
  return new Parser(src).parse();
}
