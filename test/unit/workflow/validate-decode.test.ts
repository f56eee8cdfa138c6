// Strict decoding: unknown fields, duplicates and wrong types give upstream's messages.
import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../../src/workflow/manifest/parse.js';
import { decodeErrorMessage, decodeResource } from '../../../src/workflow/validate/decode.js';

const errorOf = (yaml: string, strict = true) => parseManifests(yaml, 's.yaml', { strict })[0].error;

const wf = (spec: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: w
spec:
${spec}`;

describe('unknown fields', () => {
  it('names each unknown field by its path, in Go map order for YAML', () => {
    const yaml = wf(`  entrypoints: main
  templates:
  - name: main
    containr: {image: alpine}
    container:
      image: alpine
      imagePullPolicy: Always
      foo: 1
  archive: true
`);
    expect(errorOf(yaml)).toBe(
      'strict decoding error: unknown field "spec.archive", unknown field "spec.entrypoints", unknown field "spec.templates[0].container.foo", unknown field "spec.templates[0].containr"',
    );
  });

  it('keeps the written order for JSON', () => {
    const json = JSON.stringify({ kind: 'Workflow', metadata: { name: 'w' }, spec: { zeta: 1, alpha: 2 } });
    expect(errorOf(json)).toBe(
      'strict decoding error: unknown field "spec.zeta", unknown field "spec.alpha"',
    );
  });

  it('checks Kubernetes types inside too', () => {
    expect(errorOf(wf('  volumes: [{name: v, emptyDir: {}, hostPth: {path: /x}}]\n'))).toBe(
      'strict decoding error: unknown field "spec.volumes[0].hostPth"',
    );
    expect(
      errorOf(
        wf('  templates: [{name: a, container: {image: x, resources: {limits: {cpu: 1}, request: {}}}}]\n'),
      ),
    ).toBe('strict decoding error: unknown field "spec.templates[0].container.resources.request"');
  });

  it('is case-sensitive when strict and forgiving otherwise', () => {
    const yaml = wf('  Entrypoint: main\n  bogus: 1\n');
    expect(errorOf(yaml)).toBe(
      'strict decoding error: unknown field "spec.Entrypoint", unknown field "spec.bogus"',
    );
    const [lenient] = parseManifests(yaml, 's.yaml', { strict: false });
    expect(lenient.error).toBeUndefined();
    expect(lenient.object.spec).toEqual({ entrypoint: 'main' });
  });

  it('rejects unknown step fields even without --strict, naming only the key', () => {
    const yaml = wf(`  templates:
  - name: main
    steps:
    - - name: a
        templat: b
`);
    expect(errorOf(yaml)).toBe('json: unknown field "templat"');
    expect(errorOf(yaml, false)).toBe('json: unknown field "templat"');
  });

  it('does not look inside steps beyond their own keys, as upstream', () => {
    const yaml = wf(`  templates:
  - name: main
    steps:
    - - name: a
        template: b
        arguments: {parameter: []}
`);
    expect(errorOf(yaml)).toBeUndefined();
  });

  it('reports a steps list written without its inner list', () => {
    const yaml = wf(`  templates:
  - name: main
    steps:
    - name: a
      template: b
`);
    expect(errorOf(yaml)).toBe(
      'json: cannot unmarshal object into Go struct field Template.spec.templates.steps of type []map[string]interface {}',
    );
  });
});

describe('duplicate keys', () => {
  it('fail YAML like go-yaml strict mode, counting lines from the `---` line as upstream splits files there', () => {
    const yaml = `kind: ConfigMap
---
${wf('  entrypoint: a\n  entrypoint: b\n')}`;
    expect(parseManifests(yaml, 'd.yaml')[1].error).toBe(
      'yaml: unmarshal errors:\n  line 8: key "entrypoint" already set in map',
    );
  });

  it('are found in files only the lenient reader accepts', () => {
    const yaml = `# a comment
---
kind: ConfigMap
---
${wf(`  entrypoint: a
  templates:
  - name: a
    container:
      image: alpine
      args: ["
        echo
      "]
      image: busybox
`)}`;
    const [, m] = parseManifests(yaml, 'd.yaml');
    expect(m.kind).toBe('Workflow');
    expect(m.error).toBe('yaml: unmarshal errors:\n  line 15: key "image" already set in map');
  });

  it('keep the last value when not strict', () => {
    const [m] = parseManifests(wf('  entrypoint: a\n  entrypoint: b\n'), 'd.yaml', { strict: false });
    expect(m.error).toBeUndefined();
    expect((m.object.spec as { entrypoint: string }).entrypoint).toBe('b');
  });

  it('are strict errors in JSON', () => {
    const json = '{"kind":"Workflow","metadata":{"name":"w"},"spec":{"entrypoint":"a","entrypoint":"b"}}';
    expect(errorOf(json)).toBe('strict decoding error: duplicate field "spec.entrypoint"');
  });
});

describe('types', () => {
  it('reports the first wrong type with its Go field', () => {
    expect(errorOf(wf('  parallelism: "2"\n'))).toBe(
      'json: cannot unmarshal string into Go struct field WorkflowSpec.spec.parallelism of type int64',
    );
    expect(errorOf(wf('  parallelism: 2.5\n'))).toBe(
      'json: cannot unmarshal number 2.5 into Go struct field WorkflowSpec.spec.parallelism of type int64',
    );
    expect(errorOf(wf('  templates: {name: a}\n'))).toBe(
      'json: cannot unmarshal object into Go struct field WorkflowSpec.spec.templates of type []v1alpha1.Template',
    );
    expect(errorOf(wf('  podGC: {strategy: 5}\n'))).toBe(
      'json: cannot unmarshal number into Go struct field PodGC.spec.podGC.strategy of type v1alpha1.PodGCStrategy',
    );
  });

  it('takes a wrong type over unknown fields', () => {
    expect(errorOf(wf('  bogus: 1\n  suspend: "no"\n'))).toBe(
      'json: cannot unmarshal string into Go struct field WorkflowSpec.spec.suspend of type bool',
    );
  });

  it('checks IntOrString and quantities', () => {
    expect(errorOf(wf('  templates: [{name: a, activeDeadlineSeconds: 1.5, container: {image: x}}]\n'))).toBe(
      'json: cannot unmarshal number 1.5 into Go struct field Template.spec.templates.activeDeadlineSeconds of type int32',
    );
    expect(
      errorOf(wf('  templates: [{name: a, container: {image: x, resources: {limits: {memory: lots}}}}]\n')),
    ).toBe("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    expect(
      errorOf(
        wf(
          '  templates: [{name: a, container: {image: x, resources: {limits: {memory: 1Gi, cpu: 500m}}}}]\n',
        ),
      ),
    ).toBeUndefined();
  });

  it('requires a plugin template to name exactly one plugin', () => {
    expect(errorOf(wf('  templates: [{name: a, plugin: {one: {}, two: {}}}]\n'))).toBe(
      'expected exactly one key, got 2',
    );
    expect(errorOf(wf('  templates: [{name: a, plugin: {hello: {}}}]\n'))).toBeUndefined();
  });
});

describe('decodeResource', () => {
  it('drops unknown fields and converts AnyString values', () => {
    const result = decodeResource(
      'WorkflowTemplate',
      {
        metadata: { name: 't' },
        spec: { arguments: { parameters: [{ name: 'n', value: 3, enum: [1, true] }] } },
        extra: 1,
      },
      { strict: true },
    );
    expect(result.value).toEqual({
      metadata: { name: 't' },
      spec: { arguments: { parameters: [{ name: 'n', value: '3', enum: ['1', 'true'] }] } },
    });
    expect(decodeErrorMessage(result)).toBe('strict decoding error: unknown field "extra"');
  });

  it('accepts status fields of a workflow read back from a cluster', () => {
    const result = decodeResource(
      'Workflow',
      {
        metadata: { name: 'w', creationTimestamp: '2024-01-01T00:00:00Z' },
        spec: {},
        status: {
          phase: 'Succeeded',
          nodes: { w: { id: 'w', name: 'w', type: 'Pod', resourcesDuration: { cpu: 1 } } },
        },
      },
      { strict: true },
    );
    expect(decodeErrorMessage(result)).toBeUndefined();
    const bad = decodeResource(
      'Workflow',
      { metadata: { creationTimestamp: 'yesterday' }, spec: {} },
      { strict: true },
    );
    expect(bad.error).toBe(
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
  });
});
