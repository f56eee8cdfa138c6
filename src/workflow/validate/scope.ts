// Which `{{...}}` references a piece of a workflow may use: the scope built while walking templates,
// steps and tasks, and the check that every reference with a known root resolves in it.
import { ValidationFailure } from './failure.js';
import { forEachTag, isExpressionTag, UnterminatedTagError } from './tags.js';

export type Scope = Set<string>;

/**
 * A scope that sees everything in `parent` and keeps its own additions apart. Each step or task
 * gets one: copying the parent instead made validation quadratic in the number of steps. Only
 * `has` and `add` are meant to be used on it (iterating it yields its own additions only).
 */
class ChildScope extends Set<string> {
  constructor(private readonly parent: ReadonlySet<string>) {
    super();
  }

  override has(name: string): boolean {
    return super.has(name) || this.parent.has(name);
  }
}

export function childScope(parent: Scope): Scope {
  return new ChildScope(parent);
}

/** Roots whose references are checked; anything else (`retries`, `node.name`, custom) is not. */
const CHECKED_ROOTS = ['item.', 'steps.', 'inputs.', 'outputs.', 'pod.', 'workflow.', 'tasks.'];

/** Set by withParam: the items' shape is only known at runtime, so any `item.*` is accepted. */
export const ANY_ITEM = 'item.*';
/** Set when an output's globalName is itself a parameter: any workflow output name may exist. */
export const ANY_WORKFLOW_OUTPUT_PARAMETER = 'workflow.outputs.parameters.*';
export const ANY_WORKFLOW_OUTPUT_ARTIFACT = 'workflow.outputs.artifacts.*';

/** Node reference keys: `steps.<name>...` or `tasks.<name>...`. */
export type NodeRefPrefix = 'steps' | 'tasks';

/**
 * Throws ValidationFailure(`failed to resolve {{tag}}`) for the first reference in `text` (JSON of a
 * template, step, task, or a plain string) that is neither in scope nor an accepted runtime value.
 */
export function resolveAllVariables(
  scope: Scope,
  globals: ReadonlyMap<string, string>,
  text: string,
  workflowTemplateValidation: boolean,
  path: string,
): void {
  const anyItem = scope.has(ANY_ITEM);
  const anyOutputParameter = scope.has(ANY_WORKFLOW_OUTPUT_PARAMETER);
  const anyOutputArtifact = scope.has(ANY_WORKFLOW_OUTPUT_ARTIFACT);
  try {
    forEachTag(text, (tag) => {
      if (isExpressionTag(tag)) return;
      const name = tag.trim();
      if (!CHECKED_ROOTS.some((root) => name.startsWith(root))) return;
      if (scope.has(name) || globals.has(name)) return;
      if ((name === 'item' || name.startsWith('item.')) && anyItem) return;
      if (name.startsWith('workflow.outputs.parameters.') && anyOutputParameter) return;
      if (name.startsWith('workflow.outputs.artifacts.') && anyOutputArtifact) return;
      // Runtime-only values, and templates referring to their own outputs for metrics.
      const runtime = [
        'outputs.',
        'workflow.creationTimestamp',
        'workflow.scheduledTime',
        'workflow.duration',
        'tasks.name',
        'steps.name',
        'node.name',
      ];
      if (runtime.some((p) => name.startsWith(p))) return;
      // A WorkflowTemplate validated on its own may be given parameters by the workflow using it.
      if (name.startsWith('workflow.parameters') && workflowTemplateValidation) return;
      throw new ValidationFailure(`failed to resolve {{${tag}}}`, path);
    });
  } catch (e) {
    if (e instanceof UnterminatedTagError) throw new ValidationFailure(e.message, path);
    throw e;
  }
}
