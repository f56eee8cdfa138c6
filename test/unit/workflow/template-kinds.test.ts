import { describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';
import {
  isLeafTemplate,
  isPodTemplate,
  nodeTypeOf,
  TEMPLATE_KINDS,
  templateKind,
  templateTypeOf,
} from '../../../src/model/template-kinds.js';
import { applyTemplateDefaults } from '../../../src/workflow/merge.js';

const of = (t: Template) => [templateTypeOf(t), nodeTypeOf(t), isPodTemplate(t), isLeafTemplate(t)];

describe('template kinds', () => {
  it('says of each kind whether it is a pod and a leaf, and its node type, as Argo does', () => {
    expect(of({ container: { image: 'a' } })).toEqual(['Container', 'Pod', true, true]);
    expect(of({ containerSet: { containers: [] } })).toEqual(['ContainerSet', 'Pod', true, true]);
    expect(of({ script: { image: 'a', source: '' } })).toEqual(['Script', 'Pod', true, true]);
    expect(of({ resource: { action: 'get' } })).toEqual(['Resource', 'Pod', true, true]);
    expect(of({ data: { source: {}, transformation: [] } })).toEqual(['Data', 'Pod', true, true]);
    expect(of({ http: { url: 'x' } })).toEqual(['HTTP', 'HTTP', false, true]);
    expect(of({ plugin: {} })).toEqual(['Plugin', 'Plugin', false, true]);
    expect(of({ steps: [] })).toEqual(['Steps', 'Steps', false, false]);
    expect(of({ dag: { tasks: [] } })).toEqual(['DAG', 'DAG', false, false]);
    expect(of({ suspend: {} })).toEqual(['Suspend', 'Suspend', false, false]);
    expect(TEMPLATE_KINDS).toHaveLength(10);
  });

  it('has no kind for a template without a kind field, and reads null as unset', () => {
    expect(templateKind({ name: 'x' })).toBeUndefined();
    expect(templateTypeOf({ name: 'x', container: null as never })).toBe('Unknown');
    expect(isPodTemplate({ name: 'x' })).toBe(false);
  });

  it('tells a template with two kinds by the first in Argo order (steps before script)', () => {
    expect(templateTypeOf({ script: { image: 'a', source: '' }, steps: [] })).toBe('Steps');
  });

  it("applies only the templateDefaults of the template's own kind", () => {
    const defaults: Template = { container: { image: 'busybox' }, script: { image: 'python', source: '' } };
    const merged = applyTemplateDefaults({ name: 's', script: { image: '', source: 'print(1)' } }, defaults);
    expect(merged.container).toBeUndefined();
    expect(merged.script?.source).toBe('print(1)');
  });
});
