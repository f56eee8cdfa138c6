import { describe, expect, it } from 'vitest';
import {
  TemplateError,
  UnresolvedVariableError,
  expressionEnv,
  findReferences,
  hasExpressionTags,
  parseTemplate,
  renderObject,
  renderTemplate,
} from '../../../src/workflow/template-string.js';

const vars = {
  'inputs.parameters.message': 'hello world',
  'steps.flip-coin.outputs.result': 'heads',
  'workflow.name': 'wf-abc',
  'workflow.status': 'Succeeded',
  item: '{"name":"first","type":""}',
  'item.name': 'first',
  'item.type': '',
  'tasks.producer.outputs.parameters.msg': null,
  'tasks.other.outputs.parameters.msg': 'real',
};
const lenient = { allowUnresolved: true };
const strict = { allowUnresolved: false };
const render = (text: string, opts = strict, v: Record<string, unknown> = vars): string =>
  renderTemplate(text, v, opts);

describe('simple tags', () => {
  it('substitutes names, with whitespace allowed around them', () => {
    expect(render('say {{inputs.parameters.message}}!')).toBe('say hello world!');
    expect(render('{{ inputs.parameters.message }}')).toBe('hello world');
    expect(render('{{steps.flip-coin.outputs.result}}-{{workflow.name}}')).toBe('heads-wf-abc');
    expect(render('{{item}}')).toBe('{"name":"first","type":""}');
    expect(render('[{{item.type}}]')).toBe('[]');
  });

  it('inserts values as they are, without escaping', () => {
    expect(render('{{v}}', strict, { v: 'a "quoted"\nline\\' })).toBe('a "quoted"\nline\\');
  });

  it('keeps unknown tags when unresolved tags are allowed, and fails otherwise', () => {
    expect(render('a {{inputs.parameters.x}} b', lenient)).toBe('a {{inputs.parameters.x}} b');
    expect(render('{{ spaced.out }}', lenient)).toBe('{{ spaced.out }}');
    expect(() => render('{{inputs.parameters.x}}')).toThrow(UnresolvedVariableError);
    expect(() => render('{{inputs.parameters.x}}')).toThrow('failed to resolve {{inputs.parameters.x}}');
  });

  it('fails on tags under strict prefixes even when unresolved tags are allowed', () => {
    const opts = { allowUnresolved: true, strictPrefixes: ['tasks', 'steps'] };
    expect(() => render('{{tasks.A.outputs.result}}', opts)).toThrow(
      'failed to resolve {{tasks.A.outputs.result}}',
    );
    expect(render('{{tasksA.x}}', opts)).toBe('{{tasksA.x}}');
    expect(render('{{inputs.parameters.x}}', opts)).toBe('{{inputs.parameters.x}}');
    expect(render('{{tasks.A.outputs.artifacts.out}}', opts)).toBe('{{tasks.A.outputs.artifacts.out}}');
  });

  it('treats an absent optional (null) as a terminal error, not a missing variable', () => {
    expect(() => render('pre-{{tasks.producer.outputs.parameters.msg}}-post', lenient)).toThrow(
      TemplateError,
    );
    expect(() => render('{{tasks.producer.outputs.parameters.msg}}', lenient)).toThrow('absent optional');
    expect(() => render('{{n}}', lenient, { n: 1 })).toThrow('failed to resolve {{n}} to string');
  });

  it('resolves a nested tag for a second pass', () => {
    const v = { 'inputs.parameters.message': 'hello world' };
    const tmpl =
      '{{- with secret "{{inputs.parameters.message}}" -}}\n    {{ .Data.data.gitcreds }}\n  {{- end }}';
    expect(render(tmpl, lenient, v)).toBe(
      '{{- with secret "hello world" -}}\n    {{ .Data.data.gitcreds }}\n  {{- end }}',
    );
    const untouched = '{{- with {{ {{ }} secret "{{does-not-exist}}" -}} }}';
    expect(render(untouched, lenient, v)).toBe(untouched);
    const two = { 'steps.x.outputs.parameters.key': '', 'outer-': 'resolved-outer' };
    const pass1 = render('{{outer-{{steps.x.outputs.parameters.key}}}}', lenient, two);
    expect(pass1).toBe('{{outer-}}');
    expect(render(pass1, lenient, two)).toBe('resolved-outer');
    expect(() => render('{{outer-{{k}}}}', lenient, { k: null })).toThrow('is an absent optional');
  });

  it('rejects {{ without }}', () => {
    expect(() => render('a {{ b', lenient)).toThrow(
      'Cannot find end tag="}}" in the template="a {{ b" starting from " b"',
    );
    expect(render('a }} b {', strict)).toBe('a }} b {');
  });
});

describe('expression tags', () => {
  it('evaluates with the variables expanded into maps', () => {
    expect(render('{{=inputs.parameters.message}}')).toBe('hello world');
    expect(render("{{= steps['flip-coin'].outputs.result == 'heads' ? 'H' : 'T' }}")).toBe('H');
    expect(render('{{=item.name}}/{{=item}}')).toBe('first/{"name":"first","type":""}');
    expect(render('{{=sprig.trunc(5, inputs.parameters.message)}}')).toBe('hello');
    expect(render("{{=sprig.dig('status', nil, workflow)}}")).toBe('Succeeded');
    expect(render('{{=workflow.status == "Succeeded" ? "SUCCESSFUL" : "FAILED"}}')).toBe('SUCCESSFUL');
  });

  it('writes strings raw and other results as JSON', () => {
    expect(render('{{=1/2}} {{=7 % 3}} {{=2 > 1}} {{=[1, "a"]}} {{= {b: 1, a: 2} }}')).toBe(
      '0.5 1 true [1,"a"] {"a":2,"b":1}',
    );
    // the first "}}" closes the tag, as with fasttemplate
    expect(() => render('{{={b: 1}}}')).toThrow(
      'failed to evaluate expression: unexpected end of expression',
    );
    expect(render('{{=toJson(filter([1, 3], {# > 1}))}}')).toBe('[3]');
    expect(render('{{="<&>"}}')).toBe('<&>');
    expect(render('{{=["<"]}}')).toBe('["\\u003c"]');
  });

  it('uses ?? to replace an absent optional but not an empty string', () => {
    const opts = { allowUnresolved: true, strictPrefixes: ['tasks', 'steps'] };
    expect(render("{{= tasks.producer.outputs.parameters.msg ?? 'fallback'}}", opts)).toBe('fallback');
    expect(render("{{= tasks.other.outputs.parameters.msg ?? 'fallback'}}", opts)).toBe('real');
    expect(
      render("{{= tasks.p.outputs.parameters.msg ?? 'fallback'}}", opts, {
        'tasks.p.outputs.parameters.msg': '',
      }),
    ).toBe('');
    expect(() => render('{{= tasks.producer.outputs.parameters.msg}}', opts)).toThrow(
      'failed to evaluate expression',
    );
    expect(() => render('{{= tasks.unknown.outputs.parameters.msg}}', opts)).toThrow(
      'failed to evaluate expression: tasks.unknown is missing',
    );
  });

  it('guards optional members against the strict check but not the base variable', () => {
    const opts = { allowUnresolved: true, strictPrefixes: ['item'] };
    const present = { item: { name: 'a', optionalKey: 'value' } };
    const missing = { item: { name: 'b' } };
    for (const tmpl of [
      "{{= item.optionalKey ?? 'fallback' }}",
      "{{= item['optionalKey'] ?? 'fallback' }}",
      "{{= item?.optionalKey ?? 'fallback' }}",
    ]) {
      expect(render(tmpl, opts, present)).toBe('value');
      expect(render(tmpl, opts, missing)).toBe('fallback');
    }
    expect(() => render("{{= item.optionalKey ?? 'fallback' }}", opts, {})).toThrow(
      'failed to evaluate expression: item is missing',
    );
  });

  it('keeps tags whose variables are missing when unresolved tags are allowed', () => {
    expect(render('{{=foo}}', lenient, {})).toBe('{{=foo}}');
    expect(render('{{=sprig.int(retries)}}', lenient, {})).toBe('{{=sprig.int(retries)}}');
    expect(render('{{=workflow.status == "Succeeded" ? "A" : "B"}}', lenient, { 'workflow.name': 'x' })).toBe(
      '{{=workflow.status == "Succeeded" ? "A" : "B"}}',
    );
    expect(render('{{= item.x }}', lenient, { 'inputs.parameters.a': 'b' })).toBe('{{= item.x }}');
    expect(render('{{=nil}}', lenient, {})).toBe('{{=nil}}');
    expect(render('{{=1 + "a"}}', lenient, {})).toBe('{{=1 + "a"}}');
  });

  it('fails when every tag must resolve', () => {
    expect(() => render('{{=foo}}', strict, {})).toThrow(
      new UnresolvedVariableError('=foo', 'failed to evaluate expression: foo is missing'),
    );
    expect(() => render('{{=!}}', strict, {})).toThrow('failed to evaluate expression');
    expect(() => render('{{=!}}', lenient, {})).toThrow(
      'failed to evaluate expression: unexpected end of expression',
    );
    expect(() => render('{{=nil}}', strict, {})).toThrow('failed to evaluate expression "nil"');
    expect(() => render('{{=1 + "a"}}', strict, {})).toThrow(
      'failed to evaluate expression: invalid operation: int + string',
    );
  });

  it('tolerates failures while placeholder outputs are in the variables', () => {
    const v = { 'steps.a.outputs.result': '__argo__internal__placeholder-1' };
    expect(render('{{=asInt(steps.a.outputs.result) + 1}}', strict, v)).toBe(
      '{{=asInt(steps.a.outputs.result) + 1}}',
    );
  });

  it('does not treat "{{ =" as an expression', () => {
    expect(render('{{ =1 }}', lenient, {})).toBe('{{ =1 }}');
  });
});

describe('helpers', () => {
  it('lists the simple references and detects expression tags', () => {
    expect(findReferences('{{a.b}} {{ c }} {{=d}} {{a.b}}')).toEqual(['a.b', 'c']);
    expect(findReferences('no tags')).toEqual([]);
    expect(hasExpressionTags('x {{= 1 }}')).toBe(true);
    expect(hasExpressionTags('x {{ =1 }} {{a}}')).toBe(false);
    expect(parseTemplate('a{{b}}c{{=d}}').tags.map((t) => [t.kind, t.body, t.start])).toEqual([
      ['simple', 'b', 1],
      ['expression', 'd', 7],
    ]);
  });

  it('renders every string and key of an object', () => {
    const step = {
      name: 'x',
      arguments: { parameters: [{ name: 'm', value: '{{inputs.parameters.message}}' }] },
      '{{workflow.name}}': 1,
      n: 3,
      b: true,
      z: null,
    };
    expect(renderObject(step, vars, strict)).toEqual({
      name: 'x',
      arguments: { parameters: [{ name: 'm', value: 'hello world' }] },
      'wf-abc': 1,
      n: 3,
      b: true,
      z: null,
    });
  });

  it('builds the expression environment used by valueFrom.expression and hooks', () => {
    const env = expressionEnv({ 'inputs.parameters.a': '1', 'inputs.parameters.b': '2' });
    expect(Object.keys(env)).toEqual(
      expect.arrayContaining(['inputs', 'asInt', 'asFloat', 'jsonpath', 'toJson', 'sprig']),
    );
    expect((env.inputs as Record<string, Record<string, string>>).parameters.b).toBe('2');
  });
});
