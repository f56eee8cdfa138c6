// A template's outputs: names, references, where each value comes from for the template's type.
import type { Parameter, Template } from '../../model/template.js';
import { artifactPathError } from './artifacts.js';
import { ValidationFailure } from './failure.js';
import { fieldNamesProblem, isParameterReference, paramOrArtifactNameErrors } from './names.js';
import { isLeafTemplate, templateTypeOf } from '../../model/template-kinds.js';
import type { Run } from './run.js';
import { resolveAllVariables, type Scope } from './scope.js';

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

export function checkOutputs(run: Run, scope: Scope, tmpl: Template, path: string): void {
  const name = tmpl.name ?? '';
  const params = tmpl.outputs?.parameters ?? [];
  const arts = tmpl.outputs?.artifacts ?? [];
  const paramsProblem = fieldNamesProblem(params, true);
  if (paramsProblem)
    fail(`templates.${name}.outputs.parameters ${paramsProblem}`, `${path}.outputs.parameters`);
  const artsProblem = fieldNamesProblem(arts, true);
  if (artsProblem) fail(`templates.${name}.outputs.artifacts ${artsProblem}`, `${path}.outputs.artifacts`);
  try {
    resolveAllVariables(
      scope,
      run.globals,
      JSON.stringify(tmpl.outputs ?? {}),
      run.opts.workflowTemplateValidation,
      `${path}.outputs`,
    );
  } catch (e) {
    if (e instanceof ValidationFailure) throw e.wrap(`templates.${name}.outputs`);
    throw e;
  }
  for (const [i, art] of arts.entries()) {
    const ref = `outputs.artifacts.${art.name}`;
    const at = `${path}.outputs.artifacts[${i}]`;
    if (isLeafTemplate(tmpl)) {
      const err = artifactPathError(art);
      if (err) fail(`error in templates.${name}.${ref}: ${err}`, `${at}.path`);
    } else if (art.path) {
      fail(`templates.${name}.${ref}.path only valid in container/script templates`, `${at}.path`);
    }
    if (art.globalName && !isParameterReference(art.globalName)) {
      const errs = paramOrArtifactNameErrors(art.globalName);
      if (errs.length > 0) fail(`templates.${name}.${ref}.globalName: ${errs[0]}`, `${at}.globalName`);
    }
  }
  const type = templateTypeOf(tmpl);
  for (const [i, param] of params.entries()) {
    const ref = `templates.${name}.outputs.parameters.${param.name}`;
    const at = `${path}.outputs.parameters[${i}]`;
    checkOutputParameter(ref, param, at);
    const from = param.valueFrom;
    if (from) {
      switch (type) {
        case 'Container':
        case 'ContainerSet':
        case 'Script':
          if (!from.path) fail(`${ref}.path must be specified for ${type} templates`, `${at}.valueFrom`);
          break;
        case 'Resource':
          if (!from.jqFilter && !from.jsonPath)
            fail(`${ref} .jqFilter or jsonPath must be specified for ${type} templates`, `${at}.valueFrom`);
          break;
        case 'DAG':
        case 'Steps':
          if (!from.parameter && !from.expression) {
            fail(`${ref}.parameter or expression must be specified for ${type} templates`, `${at}.valueFrom`);
          }
          if (from.expression && from.parameter) {
            fail(
              `${ref} shouldn't have both \`from\` and \`expression\` specified in \`ValueFrom\` for ${type} templates`,
              `${at}.valueFrom`,
            );
          }
          break;
      }
    }
    if (param.globalName && !isParameterReference(param.globalName)) {
      const errs = paramOrArtifactNameErrors(param.globalName);
      if (errs.length > 0) fail(`${ref}.globalName: ${errs[0]}`, `${at}.globalName`);
    }
  }
}

/** An output parameter takes its value from exactly one place. */
function checkOutputParameter(ref: string, param: Parameter, at: string): void {
  if (param.valueFrom !== undefined && param.value !== undefined) {
    fail(`${ref} has both valueFrom and value specified, choose one`, at);
  }
  if (param.value !== undefined) return;
  const from = param.valueFrom;
  if (from === undefined) fail(`${ref} does not have valueFrom or value specified`, at);
  const sources = [from.path, from.jqFilter, from.jsonPath, from.parameter, from.expression].filter(
    (v) => !!v,
  ).length;
  const count = sources + (from.supplied != null ? 1 : 0);
  if (count === 0)
    fail(
      'valueFrom type unspecified. choose one of: path, jqFilter, jsonPath, parameter, raw, expression',
      `${at}.valueFrom`,
    );
  if (count > 1)
    fail(
      'multiple valueFrom types specified. choose one of: path, jqFilter, jsonPath, parameter, raw',
      `${at}.valueFrom`,
    );
}
