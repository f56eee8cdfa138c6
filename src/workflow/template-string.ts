// Argo's `{{...}}` substitution: simple tags looked up in the flat variable map, and
// expression tags `{{= expr }}` evaluated with expr-lang. Mirrors upstream's util/template
// (fasttemplate tag scanning, nested tags, unresolved handling, result formatting) on plain
// strings; renderObject applies it to every string and key of a JSON-like value, which is what
// upstream does by running it over the marshaled JSON.
import { ExprError, argoExprEnv, compile, formatResult, hasPath, referencedVariables } from './expr/index.js';

/** The flat variable map: `inputs.parameters.x` -> value. `null` marks an absent optional. */
export type TemplateVars = Readonly<Record<string, unknown>>;

export interface RenderOptions {
  /**
   * When false, every tag must resolve (upstream `Replace(..., false)`). When true, unknown tags
   * are kept verbatim for a later pass, except those under `strictPrefixes`.
   */
  allowUnresolved: boolean;
  /**
   * With allowUnresolved, tags starting with one of these dot-segments must still resolve
   * (upstream `ReplaceStrictAny`, used with ["tasks", "steps"]); `.outputs.artifacts.` references
   * are exempt since optional artifacts are resolved later.
   */
  strictPrefixes?: readonly string[];
}

/** A `{{...}}` tag that has no value: `failed to resolve {{inputs.parameters.x}}`. */
export class UnresolvedVariableError extends Error {
  override readonly name = 'UnresolvedVariableError';
  constructor(
    readonly tag: string,
    message = `failed to resolve {{${tag}}}`,
  ) {
    super(message);
  }
}

/** Any other substitution failure: bad template syntax, an expression that fails, an absent optional. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * The environment `{{= ...}}` tags see (Argo's GetFuncMap): `vars` expanded into nested maps
 * plus asInt, asFloat, jsonpath, toJson and sprig. Also the environment for
 * valueFrom.expression, fromExpression, hook expressions and retryStrategy.expression.
 */
export function expressionEnv(vars: TemplateVars): Record<string, unknown> {
  return argoExprEnv(vars);
}

/** Values the controller writes for outputs not known yet; expressions reading them may fail. */
export const PLACEHOLDER_PREFIX = '__argo__internal__placeholder-';

/** Variables that are bound late (inside loops, retries, exit handlers); see upstream variablesToCheck. */
const LATE_BOUND = new Set([
  'item',
  'retries',
  'lastRetry.exitCode',
  'lastRetry.status',
  'lastRetry.duration',
  'lastRetry.message',
  'workflow.status',
  'workflow.failures',
]);

export interface TemplateTag {
  /** The text between `{{` and `}}`, untrimmed. */
  readonly raw: string;
  readonly kind: 'simple' | 'expression';
  /** Variable name (simple, trimmed) or expression source (without the `=`). */
  readonly body: string;
  /** Offset of `{{` in the text. */
  readonly start: number;
}

interface Parsed {
  texts: string[];
  tags: TemplateTag[];
}

const START = '{{';
const END = '}}';

/** Splits text the way fasttemplate does: each `{{` pairs with the first `}}` after it. */
export function parseTemplate(text: string): Parsed {
  const texts: string[] = [];
  const tags: TemplateTag[] = [];
  let pos = 0;
  for (;;) {
    const open = text.indexOf(START, pos);
    if (open < 0) {
      texts.push(text.slice(pos));
      return { texts, tags };
    }
    texts.push(text.slice(pos, open));
    const close = text.indexOf(END, open + START.length);
    if (close < 0) {
      throw new TemplateError(
        `Cannot find end tag=${JSON.stringify(END)} in the template=${JSON.stringify(text)} starting from ${JSON.stringify(text.slice(open + START.length))}`,
      );
    }
    const raw = text.slice(open + START.length, close);
    const expression = raw.startsWith('=');
    tags.push({
      raw,
      kind: expression ? 'expression' : 'simple',
      body: expression ? raw.slice(1) : raw.trim(),
      start: open,
    });
    pos = close + END.length;
  }
}

/** Names referenced by simple tags (`{{ inputs.parameters.x }}` -> `inputs.parameters.x`), in order, deduplicated. */
export function findReferences(text: string): string[] {
  if (!text.includes(START)) return [];
  const out = new Set<string>();
  for (const t of parseTemplate(text).tags) if (t.kind === 'simple') out.add(t.body);
  return [...out];
}

/** Whether the text holds a `{{= ... }}` tag. */
export function hasExpressionTags(text: string): boolean {
  if (!text.includes('{{=')) return false;
  try {
    return parseTemplate(text).tags.some((t) => t.kind === 'expression');
  } catch {
    return false;
  }
}

function strictMatcher(opts: RenderOptions): ((name: string) => boolean) | undefined {
  if (!opts.allowUnresolved) return () => true;
  const prefixes = opts.strictPrefixes ?? [];
  if (prefixes.length === 0) return undefined;
  return (name) => prefixes.some((p) => name === p || name.startsWith(p + '.'));
}

function hasPlaceholder(v: unknown): boolean {
  if (typeof v === 'string') return v.startsWith(PLACEHOLDER_PREFIX);
  if (Array.isArray(v)) return v.some(hasPlaceholder);
  if (v !== null && typeof v === 'object') return Object.values(v).some(hasPlaceholder);
  return false;
}

class Renderer {
  private env: Record<string, unknown> | undefined;
  private placeholders: boolean | undefined;
  private readonly strict: ((name: string) => boolean) | undefined;

  constructor(
    private readonly vars: TemplateVars,
    private readonly opts: RenderOptions,
  ) {
    this.strict = strictMatcher(opts);
  }

  private getEnv(): Record<string, unknown> {
    return (this.env ??= argoExprEnv(this.vars));
  }

  private allowFailure(): boolean {
    return (this.placeholders ??= Object.values(this.vars).some(hasPlaceholder));
  }

  render(text: string): string {
    if (!text.includes(START)) return text;
    const { texts, tags } = parseTemplate(text);
    let out = texts[0];
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i];
      out += t.kind === 'expression' ? this.expression(t) : this.simple(t);
      out += texts[i + 1];
    }
    return out;
  }

  private simple(t: TemplateTag): string {
    const vars = this.vars;
    const key = t.body;
    if (!Object.prototype.hasOwnProperty.call(vars, key)) {
      // "{{a.{{b}}" is scanned as one tag; substitute the inner one and leave "{{a.<b>" for a later pass.
      const inner = t.raw.lastIndexOf(START);
      if (inner > 0) {
        const nested = t.raw.slice(inner + START.length);
        if (Object.prototype.hasOwnProperty.call(vars, nested)) {
          const v = vars[nested];
          if (v === null || v === undefined) {
            throw new TemplateError(
              `unable to substitute nested tag {{${t.raw}}}: ${JSON.stringify(nested)} is an absent optional`,
            );
          }
          if (typeof v === 'string') return START + t.raw.slice(0, inner) + v;
        }
      }
      const exemptArtifact = this.opts.allowUnresolved && key.includes('.outputs.artifacts.');
      if (this.strict?.(key) && !exemptArtifact) throw new UnresolvedVariableError(t.raw);
      return START + t.raw + END;
    }
    const v = vars[key];
    if (v === null || v === undefined) {
      throw new TemplateError(
        `unable to substitute {{${t.raw}}}: output is an absent optional (skipped/omitted node with no default)`,
      );
    }
    if (typeof v !== 'string') throw new TemplateError(`failed to resolve {{${t.raw}}} to string`);
    return v;
  }

  private expression(t: TemplateTag): string {
    const source = t.body;
    const verbatim = START + t.raw + END;
    const env = this.getEnv();
    let missing: string[];
    try {
      missing = referencedVariables(source).filter((id) => !hasPath(env, id));
    } catch {
      return this.evaluate(source, verbatim, false);
    }
    for (const id of missing) {
      if (this.strict?.(id))
        throw new UnresolvedVariableError(t.raw, `failed to evaluate expression: ${id} is missing`);
    }
    const allowUnresolved = missing.length > 0 || this.strict === undefined;
    if (allowUnresolved && missing.some((id) => LATE_BOUND.has(id))) return verbatim;
    return this.evaluate(source, verbatim, allowUnresolved);
  }

  private evaluate(source: string, verbatim: string, allowUnresolved: boolean): string {
    const tolerate = allowUnresolved || this.allowFailure();
    let result: unknown;
    try {
      result = compile(source).runRaw(this.getEnv());
    } catch (e) {
      if (tolerate) return verbatim;
      const reason = e instanceof ExprError ? e.message : (e as Error).message;
      throw new TemplateError(`failed to evaluate expression: ${reason}`);
    }
    if (result === null || result === undefined) {
      if (tolerate) return verbatim;
      throw new TemplateError(`failed to evaluate expression ${JSON.stringify(source)}`);
    }
    try {
      return formatResult(result);
    } catch (e) {
      if (allowUnresolved) return verbatim;
      throw new TemplateError(`failed to marshal evaluated expression: ${(e as Error).message}`);
    }
  }
}

/**
 * Substitutes `{{name}}` and `{{= expr}}` tags in one string.
 * Throws UnresolvedVariableError for a tag that must resolve but cannot, TemplateError otherwise.
 */
export function renderTemplate(text: string, vars: TemplateVars, opts: RenderOptions): string {
  if (!text.includes(START)) return text;
  return new Renderer(vars, opts).render(text);
}

/**
 * Substitutes tags in every string (and object key) of a JSON-like value, returning a copy;
 * the expression environment is built once for the whole value.
 */
export function renderObject<T>(value: T, vars: TemplateVars, opts: RenderOptions): T {
  const r = new Renderer(vars, opts);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return r.render(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const key = r.render(k);
        // assignment to "__proto__" would replace the prototype instead of adding a key
        if (key === '__proto__')
          Object.defineProperty(out, key, {
            value: walk(x),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        else out[key] = walk(x);
      }
      return out;
    }
    return v;
  };
  return walk(value) as T;
}

/** The flat variable map the controller builds: strings, or null for an absent optional. */
export type Vars = Record<string, string | null>;
