import { describe, expect, it } from 'vitest';
import {
  compileSelector,
  fieldValue,
  formatLabelSelector,
  labelRequirementsFrom,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from '../../../src/store/selectors.js';
import { InvalidError } from '../../../src/store/types.js';

describe('parseLabelSelector', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['a=b', [{ key: 'a', operator: '=', values: ['b'] }]],
    ['a==b', [{ key: 'a', operator: '=', values: ['b'] }]],
    ['a != b', [{ key: 'a', operator: '!=', values: ['b'] }]],
    ['a=', [{ key: 'a', operator: '=', values: [''] }]],
    ['a', [{ key: 'a', operator: 'exists', values: [] }]],
    ['!a', [{ key: 'a', operator: '!', values: [] }]],
    ['a in (x,y)', [{ key: 'a', operator: 'in', values: ['x', 'y'] }]],
    ['a in(x , y)', [{ key: 'a', operator: 'in', values: ['x', 'y'] }]],
    ['a notin (x)', [{ key: 'a', operator: 'notin', values: ['x'] }]],
    ['a in (x,)', [{ key: 'a', operator: 'in', values: ['x', ''] }]],
    ['a in (x,x)', [{ key: 'a', operator: 'in', values: ['x'] }]],
    ['n>1', [{ key: 'n', operator: 'gt', values: ['1'] }]],
    ['n < -2', [{ key: 'n', operator: 'lt', values: ['-2'] }]],
    ['a=in', [{ key: 'a', operator: '=', values: ['in'] }]],
    [
      'workflows.argoproj.io/completed!=true,workflows.argoproj.io/phase in (Running,Pending),!x,y',
      [
        { key: 'workflows.argoproj.io/completed', operator: '!=', values: ['true'] },
        { key: 'workflows.argoproj.io/phase', operator: 'in', values: ['Running', 'Pending'] },
        { key: 'x', operator: '!', values: [] },
        { key: 'y', operator: 'exists', values: [] },
      ],
    ],
    [
      'a=,b=c',
      [
        { key: 'a', operator: '=', values: [''] },
        { key: 'b', operator: '=', values: ['c'] },
      ],
    ],
  ])('parses %j', (input, expected) => {
    expect(parseLabelSelector(input)).toEqual(expected);
  });

  it.each([
    ['a in (x', /found end of selector/],
    ['a in ()', /must not be empty/],
    ['a in x', /expected "\(" after "a in", found "x"/],
    ['a in (x y)', /found "y"/],
    ['a=b,', /expected a requirement after ","/],
    [',a', /expected a label key, found ","/],
    ['a b', /expected an operator .* after "a", found "b"/],
    ['a=b c', /expected "," or end of selector .* found "c"/],
    ['!', /expected a label key after "!", found end of selector/],
    ['!a=b', /found "="/],
    ['a=b=c', /found "="/],
    ['n>x', /value "x" for "n>" must be an integer/],
    ['-bad=1', /key "-bad"/],
    ['Bad_Prefix/a=1', /key "Bad_Prefix\/a": prefix part/],
    ['a=' + 'x'.repeat(64), /no more than 63 characters/],
    ['a=b$', /value "b\$" for key "a"/],
    ['a in (ok,-no)', /value "-no" for key "a"/],
    ['a=(', /expected a value after "a=", found "\("/],
  ])('rejects %j', (input, message) => {
    let caught: unknown;
    try {
      parseLabelSelector(input);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidError);
    expect((caught as InvalidError).code).toBe(400);
    expect((caught as Error).message).toContain(`invalid label selector "${input}"`);
    expect((caught as Error).message).toMatch(message);
  });

  it('round-trips through formatLabelSelector', () => {
    const input = 'a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1,m<5';
    const reqs = parseLabelSelector(input);
    expect(parseLabelSelector(formatLabelSelector(reqs))).toEqual(reqs);
  });
});

describe('matchesLabels', () => {
  const labels = { app: 'web', tier: 'front', n: '5' };
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['n>4', true],
    ['n>5', false],
    ['n<6', true],
    ['app>1', false],
    ['missing=', false],
  ])('%j on %j', (selector, expected) => {
    expect(matchesLabels(parseLabelSelector(selector), labels)).toBe(expected);
  });

  it('treats absent labels as an empty set', () => {
    expect(matchesLabels(parseLabelSelector('a!=b,!c'), undefined)).toBe(true);
    expect(matchesLabels(parseLabelSelector('a'), undefined)).toBe(false);
  });

  it('matches an empty value only when the label is present and empty', () => {
    expect(matchesLabels(parseLabelSelector('a='), { a: '' })).toBe(true);
    expect(matchesLabels(parseLabelSelector('a='), {})).toBe(false);
  });
});

describe('labelRequirementsFrom', () => {
  it('converts matchLabels and matchExpressions', () => {
    const reqs = labelRequirementsFrom({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'DoesNotExist' },
      ],
    });
    expect(formatLabelSelector(reqs)).toBe('app=web,tier in (a,b),!x');
    expect(matchesLabels(reqs, { app: 'web', tier: 'b' })).toBe(true);
    expect(matchesLabels(reqs, { app: 'web', tier: 'b', x: '1' })).toBe(false);
  });

  it('rejects bad operators and empty value sets', () => {
    expect(() => labelRequirementsFrom({ matchExpressions: [{ key: 'a', operator: 'Equals' }] })).toThrow(
      /"Equals" is not a valid operator for "a"/,
    );
    expect(() =>
      labelRequirementsFrom({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] }),
    ).toThrow(/must not be empty/);
  });
});

describe('parseFieldSelector', () => {
  it.each([
    ['', []],
    ['metadata.name=x', [{ path: 'metadata.name', operator: '=', value: 'x' }]],
    ['metadata.name==x', [{ path: 'metadata.name', operator: '=', value: 'x' }]],
    ['metadata.name!=x', [{ path: 'metadata.name', operator: '!=', value: 'x' }]],
    ['spec.nodeName=', [{ path: 'spec.nodeName', operator: '=', value: '' }]],
    [
      'metadata.namespace=argo,status.phase=Running',
      [
        { path: 'metadata.namespace', operator: '=', value: 'argo' },
        { path: 'status.phase', operator: '=', value: 'Running' },
      ],
    ],
    ['a=x\\,y', [{ path: 'a', operator: '=', value: 'x,y' }]],
    ['a=x\\=y\\\\', [{ path: 'a', operator: '=', value: 'x=y\\' }]],
  ])('parses %j', (input, expected) => {
    expect(parseFieldSelector(input)).toEqual(expected);
  });

  it.each([
    ['metadata.name', /term "metadata.name" has no operator/],
    ['=x', /"" in term "=x" is not a field path/],
    ['meta data.name=x', /"meta data.name" in term/],
    ['a=b=c', /value "b=c" must escape "="/],
    ['a=\\q', /invalid escape sequence "\\q"/],
  ])('rejects %j', (input, message) => {
    expect(() => parseFieldSelector(input)).toThrow(InvalidError);
    expect(() => parseFieldSelector(input)).toThrow(message);
    expect(() => parseFieldSelector(input)).toThrow(`invalid field selector "${input}"`);
  });
});

describe('matchesFields', () => {
  const pod = {
    metadata: { name: 'p1', namespace: 'argo' },
    spec: { nodeName: '', priority: 5, hostNetwork: false },
    status: { phase: 'Running' },
  };
  it.each([
    ['metadata.name=p1', true],
    ['metadata.name=p2', false],
    ['metadata.name!=p2', true],
    ['metadata.namespace=argo,status.phase=Running', true],
    ['status.phase=Succeeded', false],
    ['spec.nodeName=', true],
    ['spec.missing=', true],
    ['spec.missing!=', false],
    ['spec.priority=5', true],
    ['spec.hostNetwork=false', true],
    ['status.phase.deeper=x', false],
  ])('%j', (selector, expected) => {
    expect(matchesFields(parseFieldSelector(selector), pod)).toBe(expected);
  });

  it('reads scalars as strings and a missing path as empty', () => {
    expect(fieldValue({ a: { b: 1 } }, 'a.b')).toBe('1');
    expect(fieldValue({ a: null }, 'a.b')).toBe('');
  });
});

describe('compileSelector', () => {
  it('exposes name and namespace equalities for index lookups', () => {
    const sel = compileSelector({
      fieldSelector: 'metadata.name=x,metadata.namespace=ns',
      labelSelector: 'a',
    });
    expect(sel.name).toBe('x');
    expect(sel.namespace).toBe('ns');
    expect(sel.everything).toBe(false);
    expect(sel.matches({ metadata: { name: 'x', namespace: 'ns', labels: { a: '' } } })).toBe(true);
    expect(sel.matches({ metadata: { name: 'x', namespace: 'ns' } })).toBe(false);
    expect(compileSelector({}).everything).toBe(true);
  });
});
