// Arguments given to a workflow, step or task: names, and that each has a value or a source.
import type { Arguments } from '../../model/template.js';
import { hasLocationOrKey } from './artifacts.js';
import { ValidationFailure } from './failure.js';
import { fieldNamesProblem } from './names.js';

/**
 * `prefix` is Argo's message prefix ending in a dot (`spec.arguments.`, `templates.main.steps[0].a.arguments.`);
 * `path` locates the arguments in the validated object.
 */
export function checkArguments(
  prefix: string,
  args: Arguments | undefined,
  allowEmptyValues: boolean,
  path: string,
): void {
  const parameters = args?.parameters ?? [];
  const artifacts = args?.artifacts ?? [];
  for (const [field, list] of [
    ['parameters', parameters],
    ['artifacts', artifacts],
  ] as const) {
    const problem = fieldNamesProblem(list, field === 'parameters' || field === 'artifacts');
    if (problem) throw new ValidationFailure(`${prefix}${field}${problem}`, `${path}.${field}`);
  }
  for (const [i, param] of parameters.entries()) {
    const at = `${path}.parameters[${i}]`;
    const p = `${prefix}${param.name}`;
    const valueFrom = param.valueFrom;
    if (valueFrom === undefined && param.value === undefined && !allowEmptyValues) {
      throw new ValidationFailure(`${p}.value or ${p}.valueFrom is required`, at);
    }
    if (valueFrom !== undefined) {
      const allowed = `${p}.valueFrom only allows: default, configMapKeyRef and supplied`;
      if (valueFrom.configMapKeyRef == null && !valueFrom.event && valueFrom.supplied == null) {
        throw new ValidationFailure(allowed, `${at}.valueFrom`);
      }
      if (valueFrom.path || valueFrom.jsonPath || valueFrom.parameter || valueFrom.expression) {
        throw new ValidationFailure(allowed, `${at}.valueFrom`);
      }
    }
    if (param.enum !== undefined) {
      if (param.enum.length === 0)
        throw new ValidationFailure(`${p}.enum should contain at least one value`, `${at}.enum`);
      if (param.value === undefined) {
        // Upstream stops checking the remaining arguments here when values may be empty.
        if (allowEmptyValues) return;
        throw new ValidationFailure(`${p}.value is required`, at);
      }
      if (!param.enum.includes(param.value)) {
        throw new ValidationFailure(`${p}.value should be present in ${p}.enum list`, `${at}.value`);
      }
    }
  }
  for (const [i, art] of artifacts.entries()) {
    const at = `${path}.artifacts[${i}]`;
    if (!art.from && !hasLocationOrKey(art)) {
      throw new ValidationFailure(`${prefix}${art.name}.from, artifact location, or key is required`, at);
    }
    if (art.from && art.fromExpression) {
      throw new ValidationFailure(
        `${prefix}${art.name} shouldn't have both \`from\` and \`fromExpression\` in Artifact`,
        at,
      );
    }
  }
}
