// YAML expectations are go-yaml v2's output for the same JSON (the conversion sigs.k8s.io/yaml does).
import { describe, expect, it } from 'vitest';
import { formatResource, toJson, toYaml } from '../../../src/cli/output/serialize.js';
import { YamlConversionError } from '../../../src/cli/output/yaml-emitter.js';

describe('toYaml', () => {
  it('quotes strings that would read back as something else, and only those', () => {
    const value = {
      b: 1,
      a: [],
      c: {},
      d: null,
      e: true,
      f: '',
      g: 'true',
      h: '123',
      i: '1.5',
      j: '0x1F',
      k: '- x',
      l: 'a: b',
      m: '@x',
      n: 'x\ny\n',
      o: 'x\n',
      p: ' lead',
      q: '2024-01-15T10:00:00Z',
      r: '1:20',
      s: 'tab\there',
      t: "it's: quoted",
      u: '😀',
      v: 1.5,
      w: 1e-5,
      x: 1234567.5,
      y: 'y',
      z: '~',
    };
    expect(toYaml(value)).toBe(
      [
        'a: []',
        'b: 1',
        'c: {}',
        'd: null',
        'e: true',
        'f: ""',
        'g: "true"',
        'h: "123"',
        'i: "1.5"',
        'j: "0x1F"',
        "k: '- x'",
        "l: 'a: b'",
        "m: '@x'",
        '"n": |',
        '  x',
        '  y',
        'o: |',
        '  x',
        "p: ' lead'",
        'q: "2024-01-15T10:00:00Z"',
        'r: "1:20"',
        's: "tab\\there"',
        "t: 'it''s: quoted'",
        'u: "\\U0001F600"',
        'v: 1.5',
        'w: 1e-05',
        'x: 1.2345675e+06',
        '"y": "y"',
        'z: "~"',
        '',
      ].join('\n'),
    );
  });

  it('sorts keys with digit runs compared as numbers and non-letters first', () => {
    expect(toYaml({ a10: 1, a2: 2, a1: 3, B: 4, b: 5, _x: 6, 1: 7, 'x.y': 8 })).toBe(
      '_x: 6\n"1": 7\nB: 4\na1: 3\na2: 2\na10: 1\nb: 5\nx.y: 8\n',
    );
  });

  it('does not indent sequences under their key, and writes empty collections in flow style', () => {
    expect(toYaml([{ name: 'a', items: [[1, 2], []] }, 's'])).toBe(
      '- items:\n  - - 1\n    - 2\n  - []\n  name: a\n- s\n',
    );
  });

  it('folds long plain strings after column 80', () => {
    const msg =
      'a long string with many words that should be folded because it is longer than eighty characters in total';
    expect(toYaml({ msg })).toBe(
      'msg: a long string with many words that should be folded because it is longer than\n  eighty characters in total\n',
    );
  });

  it('refuses control characters go-yaml cannot read back', () => {
    expect(() => toYaml({ a: 'x\u007fy' })).toThrow(YamlConversionError);
  });
});

describe('toJson', () => {
  const wf = {
    status: {
      phase: 'Running',
      nodes: { b: { name: 'b', id: 'b', type: 'Pod' }, a: { type: 'Pod', id: 'a', name: 'a' } },
    },
    spec: {
      entrypoint: 'main',
      templates: [{ script: { source: 'print(1)', image: 'python' }, name: 'main' }],
    },
    metadata: {
      namespace: 'argo',
      name: 'wf',
      labels: { z: '1', a: '2' },
      creationTimestamp: '2026-03-01T10:00:00.750+01:00',
    },
    unknownField: 'dropped',
  };

  it('lays typed objects out in Go struct order, with Go zero values for fields without omitempty', () => {
    const out = JSON.parse(toJson(wf, { type: 'Workflow' })) as Record<string, any>;
    expect(Object.keys(out)).toEqual(['metadata', 'spec', 'status']);
    expect(Object.keys(out.metadata)).toEqual(['name', 'namespace', 'creationTimestamp', 'labels']);
    expect(Object.keys(out.metadata.labels)).toEqual(['a', 'z']);
    expect(out.metadata.creationTimestamp).toBe('2026-03-01T09:00:00Z');
    expect(out.spec.templates[0]).toEqual({
      name: 'main',
      inputs: {},
      outputs: {},
      metadata: {},
      script: { name: '', image: 'python', resources: {}, source: 'print(1)' },
    });
    expect(Object.keys(out.spec.templates[0].script)).toEqual(['name', 'image', 'resources', 'source']);
    expect(Object.keys(out.status)).toEqual(['phase', 'startedAt', 'finishedAt', 'nodes']);
    expect(out.status.startedAt).toBeNull();
    expect(Object.keys(out.status.nodes)).toEqual(['a', 'b']);
    expect(Object.keys(out.status.nodes.a)).toEqual(['id', 'name', 'type', 'startedAt', 'finishedAt']);
  });

  it('infers the type from kind, and writes kind before apiVersion as TypeMeta does', () => {
    const out = toJson({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'x' },
      spec: {},
    });
    expect(out.split('\n').slice(0, 3)).toEqual([
      '{',
      '    "kind": "Workflow",',
      '    "apiVersion": "argoproj.io/v1alpha1",',
    ]);
  });

  it('omits a zero creationTimestamp (omitzero) but writes a zero startedAt as null and empty structs as {}', () => {
    const out = toJson({ metadata: { name: 'x' }, spec: {} }, { type: 'Workflow', indent: undefined });
    expect(out).toBe(
      '{"metadata":{"name":"x"},"spec":{"arguments":{}},"status":{"startedAt":null,"finishedAt":null}}',
    );
  });

  it('escapes as Go does: HTML characters, line separators, control characters', () => {
    expect(toJson({ s: '<a href="x">&</a>\u2028\u0001\b\f\t\u007f' }, { indent: undefined })).toBe(
      '{"s":"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e\\u2028\\u0001\\b\\f\\t\u007f"}',
    );
  });

  it('indents with the given string and keeps empty collections compact', () => {
    expect(toJson({ a: [], b: {}, c: [1] }, { indent: '  ' })).toBe(
      '{\n  "a": [],\n  "b": {},\n  "c": [\n    1\n  ]\n}',
    );
  });
});

describe('formatResource', () => {
  it('prints nothing for -o yaml when go-yaml would refuse the content, as upstream does', () => {
    const wf = { metadata: { name: 'x', annotations: { a: 'bad\u0080char' } }, spec: {} };
    expect(formatResource(wf, 'yaml', 'Workflow', () => 'text')).toBe('');
    expect(formatResource(wf, '', 'Workflow', () => 'text')).toBe('text');
    expect(formatResource(wf, 'name', 'Workflow', () => 'text')).toBe('x\n');
  });
});
