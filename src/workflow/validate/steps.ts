// Steps templates: each step in order, so a step may use the outputs of the steps before it.
import type { Template, WorkflowStep } from '../../model/template.js';
import { checkArguments } from './arguments.js';
import { ValidationFailure, wrapping } from './failure.js';
import { stepNameErrors } from './names.js';
import { argumentsProvider, hasExitHook, type ResolvedTemplate, type Run } from './run.js';
import { childScope, resolveAllVariables, type Scope } from './scope.js';
import { addItemsToScope, addOutputsToScope, validateTemplateHolder } from './template.js';

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

/** Steps and DAGs take no activeDeadlineSeconds: only pods time out that way. */
export function checkNonLeaf(tmpl: Template, path: string): void {
  if (tmpl.activeDeadlineSeconds !== undefined) {
    fail(
      `templates.${tmpl.name ?? ''}.activeDeadlineSeconds is only valid for leaf templates`,
      `${path}.activeDeadlineSeconds`,
    );
  }
}

/** Lifecycle hooks other than `exit` run when their expression holds, so they need one. */
export function checkHooks(hooks: WorkflowStep['hooks'], prefix: string, path: string): void {
  for (const [event, hook] of Object.entries(hooks ?? {})) {
    if (event !== 'exit' && !hook?.expression)
      fail(`${prefix}.${event} Expression required`, `${path}.hooks.${event}`);
  }
}

export function checkSteps(run: Run, scope: Scope, resolved: ResolvedTemplate, tmpl: Template): void {
  const { path, base } = resolved;
  const name = tmpl.name ?? '';
  checkNonLeaf(tmpl, path);
  const names = new Set<string>();
  for (const [i, group] of (tmpl.steps ?? []).entries()) {
    for (const [j, step] of (group ?? []).entries()) {
      const at = `${path}.steps[${i}][${j}]`;
      const stepName = step.name ?? '';
      if (stepName === '') fail(`templates.${name}.steps[${i}].name is required`, `${at}.name`);
      if (names.has(stepName))
        fail(`templates.${name}.steps[${i}].name '${stepName}' is not unique`, `${at}.name`);
      const errs = stepNameErrors(stepName);
      if (errs.length > 0)
        fail(`templates.${name}.steps[${i}].name '${stepName}' is invalid: ${errs.join(';')}`, `${at}.name`);
      names.add(stepName);
      scope.add(`steps.${stepName}.status`);
      const prefix = `templates.${name}.steps[${i}].${stepName}`;
      wrapping(prefix, () => addItemsToScope(step.withItems, step.withParam, step.withSequence, scope, at));
      checkArguments(`${prefix}.arguments.`, step.arguments, false, `${at}.arguments`);
      const target = wrapping(prefix, () => validateTemplateHolder(run, step, at, base, run.fakeArguments()));
      if (hasExitHook(step)) addOutputsToScope(run, target?.template, 'steps', stepName, scope, false, false);
      checkHooks(step.hooks, prefix, at);

      const stepScope: Scope = childScope(scope);
      for (const p of step.inline?.inputs?.parameters ?? []) stepScope.add(`inputs.parameters.${p.name}`);
      wrapping(`templates.${name}.steps`, () =>
        resolveAllVariables(
          stepScope,
          run.globals,
          JSON.stringify(step),
          run.opts.workflowTemplateValidation,
          at,
        ),
      );
      const aggregate = (step.withItems ?? []).length > 0 || !!step.withParam;
      addOutputsToScope(run, target?.template, 'steps', stepName, scope, aggregate, false);
      // Again with the step's real arguments: required inputs must be given.
      wrapping(prefix, () => validateTemplateHolder(run, step, at, base, argumentsProvider(step.arguments)));
    }
  }
}
