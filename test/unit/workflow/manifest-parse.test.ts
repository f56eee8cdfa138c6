// Reading manifests as Argo's Go tooling does: documents, YAML 1.1 scalars, JSON, errors with lines.
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifests } from '../../../src/workflow/manifest/parse.js';

const wf = (spec: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: w
spec:
${spec}`;

function paramValues(yaml: string): unknown[] {
  const [m] = parseManifests(yaml, 't.yaml');
  const spec = m.object.spec as { arguments: { parameters: { value?: unknown }[] } };
  return spec.arguments.parameters.map((p) => p.value);
}

describe('documents', () => {
  it('splits YAML documents, skips empty ones, and records where each starts', () => {
    const text = `# leading comment
---
kind: ConfigMap
metadata: {name: a}
---
---
# only a comment
---
${wf('  entrypoint: main')}
`;
    const ms = parseManifests(text, 'multi.yaml');
    expect(ms.map((m) => [m.kind, m.index, m.line, m.source])).toEqual([
      ['ConfigMap', 0, 3, 'multi.yaml'],
      ['Workflow', 1, 9, 'multi.yaml'],
    ]);
  });

  it('returns other kinds and objects without a kind as written', () => {
    const ms = parseManifests(
      'kind: ConfigMap\ndata: {num: 1, flag: yes}\n---\nfoo: bar\n---\n- a list\n---\njust text\n',
      'x.yaml',
    );
    expect(ms.map((m) => m.kind)).toEqual(['ConfigMap', '']);
    expect(ms[0].object).toEqual({ kind: 'ConfigMap', data: { num: 1, flag: true } });
    expect(ms[0].error).toBeUndefined();
  });

  it('reads a JSON object, and ignores a JSON list as upstream does', () => {
    const json = JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'j' },
      spec: { entrypoint: 'm' },
    });
    const [m] = parseManifests(json, 'w.json');
    expect(m.kind).toBe('Workflow');
    expect(m.object).toEqual(JSON.parse(json));
    expect(parseManifests(`[${json}]`, 'list.json')).toEqual([]);
  });
});

describe('malformed YAML', () => {
  it('throws ManifestError naming file, line and column', () => {
    let err: unknown;
    try {
      parseManifests('kind: Workflow\nspec:\n  templates: [\n  - a\n', 'bad.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ManifestError);
    const e = err as ManifestError;
    expect(e.message).toMatch(/^bad\.yaml:\d+:\d+: \S/);
    expect(e.message.split('\n')).toHaveLength(1);
    expect(e.line).toBeGreaterThanOrEqual(3);
  });

  it('reports the line of a syntax error in a later document', () => {
    expect(() => parseManifests('a: 1\n---\nb: 2\nc: [1\n', 'two.yaml')).toThrow(/^two\.yaml:[45]:\d+: /);
  });

  it('accepts quoted scalars continued at their key indentation, as go-yaml does', () => {
    const text = wf(`  entrypoint: main
  templates:
  - name: main
    container:
      image: alpine
      args: ["
        echo one &&
        echo two
      "]
`);
    const [m] = parseManifests(text, 'lenient.yaml');
    const tmpl = (m.object.spec as { templates: { container: { args: string[] } }[] }).templates[0];
    expect(tmpl.container.args).toEqual([' echo one && echo two ']);
    expect(m.error).toBeUndefined();
  });
});

describe('scalars as go-yaml v2 resolves them', () => {
  it('reads YAML 1.1 booleans, nulls, octal, hex and underscores', () => {
    const [m] = parseManifests(
      'kind: ConfigMap\ndata:\n  a: yes\n  b: Off\n  c: y\n  d: ~\n  e: 0777\n  f: 0x1F\n  g: 1_000\n  h: .5\n  i: 08\n  j: "yes"\n  k: 2001-12-14\n  l: +12\n  m: 1e3\n',
      'c.yaml',
    );
    expect(m.object.data).toEqual({
      a: true,
      b: false,
      c: true,
      d: null,
      e: 511,
      f: 31,
      g: 1000,
      h: 0.5,
      i: 8,
      j: 'yes',
      k: '2001-12-14',
      l: 12,
      m: 1000,
    });
  });

  it('turns YAML 1.1 boolean keys into text', () => {
    const [m] = parseManifests('kind: X\non: push\ny: 1\n', 'k.yaml');
    expect(m.object).toEqual({ kind: 'X', true: 1 });
  });

  it('honours explicit tags', () => {
    const [m] = parseManifests('kind: X\na: !!str 5\nb: !!int "7"\nc: !!bool "yes"\n', 't.yaml');
    expect(m.object).toEqual({ kind: 'X', a: '5', b: 7, c: true });
  });

  it('follows anchors and merge keys', () => {
    const [m] = parseManifests(
      'kind: X\nbase: &b {image: alpine, cmd: [sh]}\nuse:\n  <<: *b\n  cmd: [bash]\n',
      'm.yaml',
    );
    expect(m.object.use).toEqual({ image: 'alpine', cmd: ['bash'] });
  });

  it('keeps a __proto__ key as data', () => {
    const [m] = parseManifests('kind: X\nmeta:\n  __proto__: {polluted: true}\n', 'p.yaml');
    expect(Object.prototype.hasOwnProperty.call(m.object.meta, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects values JSON cannot hold', () => {
    expect(() => parseManifests('kind: X\na: .inf\n', 'inf.yaml')).toThrow(
      'inf.yaml:2:4: json: unsupported value: +Inf',
    );
  });
});

describe('Argo string fields', () => {
  it('keeps numbers and booleans in parameter values as their text', () => {
    const yaml = wf(`  arguments:
    parameters:
    - {name: a, value: 1}
    - {name: b, value: 1.50}
    - {name: c, value: yes}
    - {name: d, value: "007"}
    - {name: e, value: 1e21}
    - {name: f, value: 0.0000001}
    - {name: g, value: [1, 2]}
    - {name: h}
`);
    expect(paramValues(yaml)).toEqual([
      '1',
      '1.5',
      'true',
      '007',
      '1000000000000000000000',
      '0.0000001',
      '',
      undefined,
    ]);
  });

  it('keeps withItems values as written', () => {
    const [m] = parseManifests(
      wf(`  templates:
  - name: main
    steps:
    - - name: a
        template: b
        withItems: [1, "2", true, {x: 1}]
`),
      'w.yaml',
    );
    const step = (m.object.spec as { templates: { steps: { withItems: unknown[] }[][] }[] }).templates[0]
      .steps[0][0];
    expect(step.withItems).toEqual([1, '2', true, { x: 1 }]);
  });

  it('refuses a number or a YAML 1.1 boolean where Kubernetes wants text', () => {
    const env = (vars: string) =>
      parseManifests(
        wf(`  templates:
  - name: main
    container:
      image: alpine
      env: [${vars}]
`),
        'env.yaml',
      )[0].error;
    expect(env('{name: COUNT, value: 1}')).toBe(
      'json: cannot unmarshal number into Go struct field EnvVar.spec.templates.container.env.value of type string',
    );
    // `N` is false in YAML 1.1, as go-yaml reads it.
    expect(env('{name: N, value: "1"}')).toBe(
      'json: cannot unmarshal bool into Go struct field EnvVar.spec.templates.container.env.name of type string',
    );
    expect(env('{name: COUNT, value: "1"}')).toBeUndefined();
  });
});

describe('lines', () => {
  it('maps field paths to their lines', () => {
    const [m] = parseManifests(
      wf('  entrypoint: main\n  templates:\n  - name: main\n    suspend: {}\n'),
      'l.yaml',
    );
    expect(m.lines.get('spec.entrypoint')).toBe(6);
    expect(m.lines.get('spec.templates[0].name')).toBe(8);
  });
});
