// Template resolution across reconcile passes: each pass makes a new TemplateContext over the
// workflow's spec; an unchanged spec resolves to the copy the last pass made, a changed one anew.
import { describe, expect, it } from 'vitest';
import type { Workflow, WorkflowSpec, WorkflowTemplate } from '../../../src/model/workflow.js';
import { TemplateContext } from '../../../src/workflow/template-context.js';

const getters = { getWorkflowTemplate: () => undefined, getClusterWorkflowTemplate: () => undefined };

function spec(command: string): WorkflowSpec {
  return {
    entrypoint: 'main',
    podMetadata: { labels: { team: 'a' } },
    templates: [{ name: 'main', container: { image: 'busybox', command: [command] } }],
  };
}

const pass = (s: WorkflowSpec) =>
  new TemplateContext(getters, { scope: 'local', name: 'wf', spec: s }).resolve({ template: 'main' }).tmpl;

describe('template resolution across passes', () => {
  it('hands every pass over the same spec the same copy, with the pod metadata added', () => {
    const s = spec('true');
    const first = pass(s);
    expect(first).not.toBe(s.templates![0]);
    expect(first.metadata?.labels).toEqual({ team: 'a' });
    expect(s.templates![0].metadata).toBeUndefined();
    expect(pass(s)).toBe(first);
  });

  it('copies anew when the spec or its pod metadata is another object', () => {
    const s = spec('true');
    const first = pass(s);
    const changed = spec('false');
    expect(pass(changed).container?.command).toEqual(['false']);
    expect(pass(s)).toBe(first);
    const relabelled: WorkflowSpec = { ...s, podMetadata: { labels: { team: 'b' } } };
    expect(pass(relabelled).metadata?.labels).toEqual({ team: 'b' });
    expect(pass(s).metadata?.labels).toEqual({ team: 'a' });
  });

  it('resolves a stored template of the workflow to one copy while the status keeps it', () => {
    const stored = { name: 't', container: { image: 'busybox', command: ['true'] } };
    const wf = {
      metadata: { name: 'wf' },
      spec: spec('true'),
      status: { storedTemplates: { 'namespaced/lib/t': stored } },
    } as unknown as Workflow;
    // The WorkflowTemplate as it is now differs: the workflow runs the template it stored.
    const lib = { metadata: { name: 'lib' }, spec: spec('changed') } as unknown as WorkflowTemplate;
    const withLib = { ...getters, getWorkflowTemplate: () => lib };
    const resolve = () =>
      new TemplateContext(withLib, { scope: 'local', name: 'wf', spec: wf.spec }, wf).resolve({
        templateRef: { name: 'lib', template: 't' },
      }).tmpl;
    const first = resolve();
    expect(first).toEqual(stored);
    expect(first).not.toBe(stored);
    expect(resolve()).toBe(first);
  });
});
