// Helpers for validation tests: YAML in, Argo's lint message out.
import { parseManifests } from '../../../src/workflow/manifest/parse.js';
import { lintManifests, offlineTemplateGetter } from '../../../src/workflow/validate/lint.js';
import type { TemplateGetter } from '../../../src/workflow/validate/run.js';
import {
  validateClusterWorkflowTemplate,
  validateCronWorkflow,
  validateWorkflow,
  validateWorkflowTemplate,
  type ValidateContext,
} from '../../../src/workflow/validate/workflow.js';

export const noTemplates: TemplateGetter = { getTemplate: () => undefined };

/** Validates the single object in `yaml`; returns the problem message, or undefined when valid. */
export function problemOf(yaml: string, ctx: Partial<ValidateContext> = {}): string | undefined {
  return problemsOf(yaml, ctx)[0]?.message;
}

export function problemsOf(yaml: string, ctx: Partial<ValidateContext> = {}) {
  const [m] = parseManifests(yaml, 'test.yaml');
  if (m.error) return [{ path: '', message: m.error }];
  const full: ValidateContext = { getTemplate: () => undefined, lint: true, ...ctx };
  switch (m.kind) {
    case 'Workflow':
      return validateWorkflow(m.object as never, full);
    case 'WorkflowTemplate':
      return validateWorkflowTemplate(m.object as never, full);
    case 'ClusterWorkflowTemplate':
      return validateClusterWorkflowTemplate(m.object as never, full);
    case 'CronWorkflow':
      return validateCronWorkflow(m.object as never, full);
    default:
      throw new Error(`not an Argo resource: ${m.kind}`);
  }
}

/** `argo lint --offline` over several documents: templates resolve from the same text. */
export function lintText(yaml: string): string[] {
  const manifests = parseManifests(yaml, 'test.yaml');
  return lintManifests('test.yaml', manifests, { getter: offlineTemplateGetter(manifests) }).errors;
}

/** A workflow around the given templates (YAML list items, indented to sit under `templates:`). */
export function workflow(templates: string, spec = 'entrypoint: main'): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: test-
spec:
  ${spec.trim().split('\n').join('\n  ')}
  templates:
${templates.replace(/^\n/, '')}`;
}

/** A container template named `name` printing its `message` input. */
export function echoTemplate(name = 'echo', input = 'message'): string {
  return `
  - name: ${name}
    inputs:
      parameters:
        - name: ${input}
    container:
      image: alpine
      command: [echo, "{{inputs.parameters.${input}}}"]
`;
}
