// `argo lint` results and their output, byte for byte.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/workflow/manifest/parse.js';
import {
  formatLintResults,
  lintSucceeded,
  type LintFileResult,
} from '../../../src/workflow/validate/lint-format.js';
import {
  lintManifests,
  objectLabel,
  offlineTemplateGetter,
  parseLintKinds,
} from '../../../src/workflow/validate/lint.js';
import { lintText } from './validate-helpers.js';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const UNDERLINE = '\x1b[4m';
const RESET = '\x1b[0m';

const failing: LintFileResult = {
  file: 'wf.yaml',
  linted: true,
  errors: [
    'in "steps-" (Workflow): spec.entrypoint is required',
    'in "foo" (WorkflowTemplate): templates.a: failed to resolve {{x.y}}',
  ],
};
const clean: LintFileResult = { file: 'ok.yaml', linted: true, errors: [] };
const nothing: LintFileResult = { file: 'cm.yaml', linted: false, errors: [] };

describe('pretty output', () => {
  it('prints each failing file, its errors and the count', () => {
    expect(formatLintResults([failing, clean], { output: 'pretty', noColor: true })).toBe(
      'wf.yaml:\n' +
        '   ✖ in "steps-" (Workflow): spec.entrypoint is required\n' +
        '   ✖ in "foo" (WorkflowTemplate): templates.a: failed to resolve {{x.y}}\n' +
        '\n' +
        '✖ 2 linting errors found!\n',
    );
  });

  it('colours like upstream unless told not to', () => {
    expect(formatLintResults([failing], { output: 'pretty' })).toBe(
      `${UNDERLINE}wf.yaml${RESET}:\n` +
        `   ${RED}✖${RESET} in "steps-" (Workflow): spec.entrypoint is required\n` +
        `   ${RED}✖${RESET} in "foo" (WorkflowTemplate): templates.a: failed to resolve {{x.y}}\n` +
        '\n' +
        `${RED}✖ 2 linting errors found!${RESET}\n`,
    );
    expect(formatLintResults([clean], { output: 'pretty' })).toBe(
      `${GREEN}✔${RESET} no linting errors found!\n`,
    );
  });

  it('fails when nothing was linted', () => {
    expect(formatLintResults([nothing], { output: 'pretty', noColor: true })).toBe(
      '✖ found nothing to lint in the specified paths, failing...\n',
    );
    expect(lintSucceeded([nothing])).toBe(false);
    expect(lintSucceeded([nothing, clean])).toBe(true);
    expect(lintSucceeded([clean, failing])).toBe(false);
  });
});

describe('simple output', () => {
  it('prints file-prefixed lines and no count', () => {
    expect(formatLintResults([failing, clean], { output: 'simple' })).toBe(
      'wf.yaml: in "steps-" (Workflow): spec.entrypoint is required\n' +
        'wf.yaml: in "foo" (WorkflowTemplate): templates.a: failed to resolve {{x.y}}\n',
    );
    expect(formatLintResults([clean], { output: 'simple' })).toBe('no linting errors found!\n');
    expect(formatLintResults([nothing], { output: 'simple' })).toBe(
      'found nothing to lint in the specified paths, failing...\n',
    );
  });
});

describe('linting manifests', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: steps-
spec:
  entrypoint: hello
  templates:
  - name: hello
    steps:
    - - name: hello
        template: say
        arguments:
          parameters: [{name: message, value: hello1}]
  - name: say
    inputs:
      parameters:
      - name: message
    container:
      image: alpine
      command: [echo, "{{inputs.parameters.messag}}"]
---
kind: ConfigMap
metadata: {name: ignored}
---
apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
spec:
  templates:
  - name: t
    container: {image: alpine}
    bogus: 1
`;

  it('reports one line per object with a problem, naming it as upstream does', () => {
    expect(lintText(text)).toEqual([
      'in "steps-" (Workflow): templates.hello.steps[0].hello templates.say: failed to resolve {{inputs.parameters.messag}}',
      'in "object #3" (WorkflowTemplate): strict decoding error: unknown field "spec.templates[0].bogus"',
    ]);
  });

  it('lints only the kinds asked for', () => {
    const manifests = parseManifests(text, 'f.yaml');
    const result = lintManifests('f.yaml', manifests, {
      kinds: parseLintKinds(['wftmpl']),
      getter: offlineTemplateGetter(manifests),
    });
    expect(result.errors).toEqual([
      'in "object #3" (WorkflowTemplate): strict decoding error: unknown field "spec.templates[0].bogus"',
    ]);
    const none = lintManifests('f.yaml', manifests, {
      kinds: parseLintKinds(['cronwf']),
      getter: offlineTemplateGetter(manifests),
    });
    expect(none).toEqual({ file: 'f.yaml', linted: false, errors: [] });
  });

  it('reads --kinds like upstream', () => {
    expect(parseLintKinds([])).toHaveLength(4);
    expect(parseLintKinds(['all'])).toHaveLength(4);
    expect(parseLintKinds(['wf', 'clusterworkflowtemplates'])).toEqual([
      'workflows',
      'clusterworkflowtemplates',
    ]);
    expect(() => parseLintKinds(['pods'])).toThrow('unknown kind: pods');
    expect(() => parseLintKinds(['__proto__'])).toThrow('unknown kind: __proto__');
  });

  it('names objects by name, generateName or position', () => {
    expect(
      objectLabel({ kind: 'Workflow', index: 0, object: { metadata: { name: 'a', generateName: 'b-' } } }),
    ).toBe('"a" (Workflow)');
    expect(objectLabel({ kind: 'Workflow', index: 0, object: { metadata: { generateName: 'b-' } } })).toBe(
      '"b-" (Workflow)',
    );
    expect(objectLabel({ kind: 'CronWorkflow', index: 4, object: {} })).toBe('"object #5" (CronWorkflow)');
  });

  it('resolves templateRefs offline from the linted files', () => {
    const files = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: lib}
spec:
  templates:
  - name: say
    container: {image: alpine}
---
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: use-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps: [[{name: a, templateRef: {name: lib, template: say}}, {name: b, templateRef: {name: gone, template: say}}]]
`;
    expect(lintText(files)).toEqual([
      'in "use-" (Workflow): templates.main.steps[0].b couldn\'t find workflow template "gone" in namespace ""',
    ]);
    const dup = `kind: WorkflowTemplate\nmetadata: {name: lib}\nspec: {}\n---\nkind: WorkflowTemplate\nmetadata: {name: lib}\nspec: {}\n`;
    expect(() => offlineTemplateGetter(parseManifests(dup, 'd.yaml'))).toThrow(
      'duplicate WorkflowTemplate found: "lib"',
    );
  });
});
