import { describe, expect, it } from 'vitest';
import type { NodeStatus } from '../../../src/model/workflow.js';
import {
  FieldSelectorError,
  nodeMatchesSelector,
  parseFieldSelector,
} from '../../../src/workflow/node-field-selector.js';

const node: NodeStatus = {
  id: 'wf-1',
  name: 'wf[0].step',
  displayName: 'step',
  type: 'Pod',
  phase: 'Failed',
  templateRef: { name: 'lib', template: 'echo' },
  inputs: { parameters: [{ name: 'msg', value: 'a,b=c' }] },
};
const matches = (selector: string): boolean => nodeMatchesSelector(parseFieldSelector(selector), node);

describe('node field selectors', () => {
  it('matches =, == and != on the node fields', () => {
    expect(matches('phase=Failed')).toBe(true);
    expect(matches('phase==Failed')).toBe(true);
    expect(matches('phase!=Failed')).toBe(false);
    expect(matches('displayName=step,phase=Failed')).toBe(true);
    expect(matches('displayName=step,phase=Running')).toBe(false);
    expect(
      matches('templateName=echo,templateRef.name=lib,templateRef.template=echo,id=wf-1,name=wf[0].step'),
    ).toBe(true);
  });

  it('treats absent fields as empty and an empty selector as everything', () => {
    expect(matches('nope=')).toBe(true);
    expect(matches('nope!=x')).toBe(true);
    expect(matches('')).toBe(true);
  });

  it('unescapes \\, \\= and \\\\ in values', () => {
    expect(matches('inputs.parameters.msg.value=a\\,b\\=c')).toBe(true);
  });

  it('rejects terms without an operator and bad escapes', () => {
    expect(() => parseFieldSelector('phase')).toThrow(FieldSelectorError);
    expect(() => parseFieldSelector('phase=a\\b')).toThrow(
      'invalid field selector: invalid escape sequence: \\b',
    );
    expect(() => parseFieldSelector('phase=a=b')).toThrow(
      'invalid field selector: unescaped character in value: 61',
    );
  });
});
