// The workflow-level fields a workflow runs with (volumes, podMetadata, nodeSelector, tolerations,
// affinity, serviceAccountName, artifactRepositoryRef, hooks, arguments, ...) may use the global
// `{{workflow.*}}` variables. Upstream's operator substitutes them once per pass, when it sets up
// the execution spec and before any pod is built, so every consumer of the spec sees plain values.
import type { WorkflowSpec } from '../model/workflow.js';
import { renderObject, type Vars } from '../workflow/template-string.js';

/**
 * The execution spec with the global variables substituted everywhere but in its templates.
 * Templates are left alone: they are substituted when they run, with the globals of that moment
 * (an exit handler sees workflow.status, which is not known yet here). References that do not
 * resolve now (`{{workflow.status}}`, `{{inputs.parameters.x}}`, ...) are kept as written for a
 * later pass. Throws TemplateError for a malformed tag or a failing expression.
 */
export function substituteGlobalVariables(spec: WorkflowSpec, globals: Vars): WorkflowSpec {
  const { templates, ...rest } = spec;
  const substituted = renderObject(rest, globals, { allowUnresolved: true });
  return templates === undefined ? substituted : { ...substituted, templates };
}
