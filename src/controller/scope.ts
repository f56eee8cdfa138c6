// Variables visible while a steps or DAG template runs: its inputs and the outputs of the steps/tasks
// that already ran. `null` marks an absent optional (a skipped node's output with no default).
import type { Artifact, Template, ValueFrom } from '../model/template.js';
import { evaluate, evaluateRaw, formatV } from '../workflow/expr/index.js';
import type { Vars } from '../workflow/template-string.js';
import { expressionEnv } from '../workflow/template-string.js';

export class ScopeError extends Error {}

export class Scope {
  readonly params = new Map<string, string | null>();
  readonly artifacts = new Map<string, Artifact>();

  constructor(readonly tmpl?: Template) {
    if (tmpl) this.setInputs(tmpl);
  }

  /** The template's inputs, as `inputs.parameters.<name>` and `inputs.artifacts.<name>`. */
  setInputs(tmpl: Template): void {
    for (const p of tmpl.inputs?.parameters ?? []) this.set(`inputs.parameters.${p.name}`, p.value ?? '');
    for (const a of tmpl.inputs?.artifacts ?? []) this.setArtifact(`inputs.artifacts.${a.name}`, a);
  }

  set(key: string, value: string | null): void {
    if (this.journal) note(this.journal.params, this.params, key);
    this.params.set(key, value);
    // The last merge follows, so the next vars() need not copy the whole scope again.
    if (this.merged) this.merged.out[key] = value;
  }

  setArtifact(key: string, art: Artifact): void {
    if (this.journal) note(this.journal.artifacts, this.artifacts, key);
    this.artifacts.set(key, art);
  }

  /**
   * While set: what each key written since beginTransient() held before its first such write
   * (`absent` when it had none), for revert().
   */
  private journal:
    { params: Map<string, Prior<string | null>>; artifacts: Map<string, Prior<Artifact>> } | undefined;

  /**
   * From here on, writes are transient: revert() takes them back. A scope kept from one pass to
   * the next (steps.ts) holds what lasts, and each pass's own writes go on top of it this way.
   */
  beginTransient(): void {
    this.revert();
    this.journal = { params: new Map(), artifacts: new Map() };
  }

  /** Takes back the writes since beginTransient(), each key as it was before; writes last again. */
  revert(): void {
    const j = this.journal;
    if (!j) return;
    this.journal = undefined;
    for (const [k, prior] of j.params) {
      if (prior === ABSENT) {
        this.params.delete(k);
        this.unmerge(k);
      } else {
        this.set(k, prior);
      }
    }
    for (const [k, prior] of j.artifacts) {
      if (prior === ABSENT) this.artifacts.delete(k);
      else this.artifacts.set(k, prior);
    }
  }

  /** The last merge without the parameter `key`: the global's value shows through again. */
  private unmerge(key: string): void {
    const m = this.merged;
    if (!m) return;
    if (key in m.globals) m.out[key] = m.globals[key];
    else delete m.out[key];
  }

  /** The last merge: the globals as they were then, and the result. */
  private merged: { globals: Vars; out: Vars } | undefined;

  /**
   * The scope merged over `globals`, for substitution; absent optionals stay null. Read only, and
   * for immediate use: the result is kept, follows later set() calls, and is handed out again
   * while the globals hold the same names (values that changed are updated in it), since a long
   * chain of steps asks for it once per step with a scope as long as the chain, and a pass's
   * globals differ from the last pass's in a value or two (workflow.duration).
   */
  vars(globals: Vars = {}): Vars {
    const last = this.merged;
    if (last && sameNames(last.globals, globals)) {
      for (const k in globals) {
        const v = globals[k];
        if (last.globals[k] === v) continue;
        last.globals[k] = v;
        if (!this.params.has(k)) last.out[k] = v;
      }
      return last.out;
    }
    const out: Vars = { ...globals };
    for (const [k, v] of this.params) out[k] = v;
    this.merged = { globals: { ...globals }, out };
    return out;
  }

  isSkipped(key: string): boolean {
    return this.params.has(key) && this.params.get(key) === null;
  }

  /** Resolves `valueFrom.parameter` / `valueFrom.expression` of an output parameter. */
  resolveParameter(vf: ValueFrom): { value: string | null; skipped: boolean } {
    if (vf.expression) {
      const v = evaluateRaw(vf.expression, expressionEnv(this.vars()));
      if (v === null || v === undefined)
        throw new ScopeError(`failed to evaluate expression "${vf.expression}"`);
      // Argo stores the result with Go's %v formatting.
      return { value: formatV(v), skipped: false };
    }
    if (!vf.parameter) return { value: '', skipped: false };
    const key = unwrapTag(vf.parameter);
    if (!this.params.has(key)) throw new ScopeError(`Unable to resolve: {{${key}}}`);
    return { value: this.params.get(key) ?? null, skipped: this.isSkipped(key) };
  }

  resolveArtifact(art: Artifact): Artifact | undefined {
    if (!art.from && !art.fromExpression) return undefined;
    let found: unknown;
    if (art.fromExpression) {
      const env = expressionEnv(this.vars());
      for (const [k, v] of this.artifacts) setPath(env, k, v);
      found = evaluate(art.fromExpression, env);
    } else {
      const key = unwrapTag(art.from ?? '');
      found = this.artifacts.get(key);
      if (!found) throw new ScopeError(`Unable to resolve: {{${key}}}`);
    }
    if (!found || typeof found !== 'object')
      throw new ScopeError(`Variable {{${art.from ?? art.fromExpression}}} is not an artifact`);
    const resolved = structuredClone(found as Artifact);
    if (art.subPath) {
      const key = (resolved as { key?: string }).key;
      if (resolved.s3) resolved.s3.key = joinKey(resolved.s3.key ?? key ?? '', art.subPath);
      else if (key !== undefined) (resolved as { key?: string }).key = joinKey(key, art.subPath);
    }
    return resolved;
  }
}

function joinKey(a: string, b: string): string {
  return `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}`;
}

function unwrapTag(s: string): string {
  const t = s.trim();
  return t.startsWith('{{') && t.endsWith('}}') ? t.slice(2, -2).trim() : t;
}

function setPath(env: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let cur = env;
  for (let i = 0; i < parts.length - 1; i++) {
    const next = cur[parts[i]];
    if (!next || typeof next !== 'object') cur[parts[i]] = {};
    cur = cur[parts[i]] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = value;
}

/** Whether two sets of variables hold the same names, in the same order (values aside). */
function sameNames(a: Vars, b: Vars): boolean {
  const ak = Object.keys(a);
  let i = 0;
  for (const k in b) if (ak[i++] !== k) return false;
  return i === ak.length;
}

/** A journal's mark of a key that had no value before. */
const ABSENT = Symbol('absent');
type Prior<T> = T | typeof ABSENT;

/** Keeps what `key` held in `map` before its first write since the journal began. */
function note<T>(journal: Map<string, Prior<T>>, map: Map<string, T>, key: string): void {
  if (journal.has(key)) return;
  journal.set(key, map.has(key) ? map.get(key)! : ABSENT);
}
