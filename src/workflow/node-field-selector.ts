// Kubernetes field selectors (`phase=Running,templateName!=main`) applied to workflow nodes, as
// `argo get --node-field-selector`, `argo retry --node-field-selector` and friends use them.
import type { NodeStatus } from '../model/workflow.js';
import { nodeTemplateName } from './pod-name.js';

export interface FieldTerm {
  field: string;
  value: string;
  /** true for `!=`, false for `=` and `==`. */
  negated: boolean;
}

export class FieldSelectorError extends Error {}

// Terms are separated by unescaped commas; the backslash stays in the term and is removed later.
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

// `!=` and `==` are tried before `=` at each position, so `a==b` does not leave "=b" as the value.
const OPERATORS = ['!=', '==', '='] as const;

function unescapeValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let escaped = false;
  for (const c of value) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') {
      throw new FieldSelectorError(
        `invalid field selector: unescaped character in value: ${c.codePointAt(0)}`,
      );
    } else out += c;
  }
  if (escaped) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Parses a field selector; an empty selector has no terms and matches everything. */
export function parseFieldSelector(selector: string): FieldTerm[] {
  const terms: FieldTerm[] = [];
  for (const part of splitTerms(selector).sort()) {
    if (part === '') continue;
    let parsed: FieldTerm | undefined;
    for (let i = 0; i < part.length && !parsed; i++) {
      const op = OPERATORS.find((o) => part.startsWith(o, i));
      if (op)
        parsed = {
          field: part.slice(0, i),
          value: unescapeValue(part.slice(i + op.length)),
          negated: op === '!=',
        };
    }
    if (!parsed) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push(parsed);
  }
  return terms;
}

/** The fields of a node a selector can name; absent fields compare as "". */
export function nodeSelectorFields(node: NodeStatus): Map<string, string> {
  const fields = new Map<string, string>([
    ['displayName', node.displayName ?? ''],
    ['templateName', nodeTemplateName(node)],
    ['phase', node.phase ?? ''],
    ['name', node.name],
    ['id', node.id],
  ]);
  if (node.templateRef) {
    fields.set('templateRef.name', node.templateRef.name ?? '');
    fields.set('templateRef.template', node.templateRef.template ?? '');
  }
  for (const p of node.inputs?.parameters ?? [])
    fields.set(`inputs.parameters.${p.name}.value`, p.value ?? '');
  return fields;
}

export function nodeMatchesSelector(terms: readonly FieldTerm[], node: NodeStatus): boolean {
  const fields = nodeSelectorFields(node);
  return terms.every((t) => ((fields.get(t.field) ?? '') === t.value) !== t.negated);
}
