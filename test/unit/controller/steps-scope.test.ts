// A steps node's scope kept from pass to pass (steps-scope.ts) must change nothing anyone sees:
// the same workflows are driven with the operation working on a fresh copy each pass (nothing
// kept) and on the copy the last pass returned (kept, as under the controller), and the pods asked
// for and the status written must be the same, pass by pass.
import { describe, expect, it } from 'vitest';
import type { WorkflowTaskResult } from '../../../src/model/workflow.js';
import { Scope } from '../../../src/controller/scope.js';
import { Reconciler } from '../../helpers/reconcile.js';

const TEMPLATES = `
    - name: echo
      inputs: {parameters: [{name: msg, value: none}]}
      outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
      container: {image: busybox, command: [echo, '{{inputs.parameters.msg}}']}
    - name: flaky
      retryStrategy: {limit: 2}
      outputs: {parameters: [{name: p, valueFrom: {path: /tmp/p}}]}
      container: {image: busybox, command: ['true']}
    - name: nested
      inputs: {parameters: [{name: msg}]}
      outputs: {parameters: [{name: last, valueFrom: {parameter: '{{steps.n2.outputs.parameters.p}}'}}]}
      steps:
        - - {name: n1, template: echo, arguments: {parameters: [{name: msg, value: '{{inputs.parameters.msg}}'}]}}
        - - {name: n2, template: echo, arguments: {parameters: [{name: msg, value: '{{steps.n1.outputs.parameters.p}}'}]}}
    - name: cleanup
      container: {image: busybox, command: ['true']}`;

const arg = (value: string) => `arguments: {parameters: [{name: msg, value: "${value}"}]}`;

/** Outputs handed from step to step, a loop and its aggregate, a skipped step, retries, exit hooks, nesting. */
const CHAIN = `
metadata: {name: chain}
spec:
  entrypoint: main
  onExit: cleanup
  templates:
    - name: main
      outputs: {parameters: [{name: out, valueFrom: {parameter: '{{steps.s5.outputs.parameters.p}}'}}]}
      steps:
        - - {name: s0, template: echo}
        - - name: s1
            template: echo
            arguments: {parameters: [{name: msg, value: '{{steps.s0.outputs.parameters.p}} {{steps.s0.status}}'}]}
          - {name: fails, template: echo, continueOn: {failed: true}}
        - - name: loop
            template: echo
            withItems: [a, b, c]
            arguments: {parameters: [{name: msg, value: '{{item}} {{steps.s1.outputs.result}}'}]}
        - - {name: skipped, template: echo, when: '{{steps.s0.status}} != Succeeded'}
          - name: s2
            template: echo
            arguments: {parameters: [{name: msg, value: '{{steps.loop.outputs.parameters.p}}'}]}
        - - {name: s3, template: flaky}
        - - name: s4
            template: nested
            onExit: cleanup
            arguments: {parameters: [{name: msg, value: '{{steps.s3.outputs.parameters.p}} {{steps.s3.id}}'}]}
        - - name: s5
            template: echo
            arguments: {parameters: [{name: msg, value: '{{steps.s4.outputs.parameters.last}} {{steps.skipped.status}}'}]}
        - - name: s6
            template: echo
            arguments: {parameters: [{name: msg, value: '{{=steps.s2.outputs.parameters.p + "/" + steps.fails.status}}'}]}
${TEMPLATES}`;

/**
 * A step whose hook's expression comes true only once a later group has run: every pass evaluates
 * it again, so its group is never skipped.
 */
const HOOKED = `
metadata: {name: hooked}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
        - - name: a
            template: echo
            hooks: {later: {expression: 'float(workflow.duration) >= 2', template: cleanup}}
        - - {name: b, template: echo}
        - - {name: c, template: echo}
${TEMPLATES}`;

/** A chain long enough that most of its groups are behind it on most passes. */
function longChain(n: number): string {
  const groups = [`        - - {name: c0, template: echo}`];
  for (let i = 1; i < n; i++)
    groups.push(
      `        - - {name: c${i}, template: echo, ${arg(`{{steps.c${i - 1}.outputs.parameters.p}}`)}}`,
    );
  return `
metadata: {name: long}
spec:
  entrypoint: main
  templates:
    - name: main
      steps:
${groups.join('\n')}
${TEMPLATES}`;
}

/** Runs the workflow to its end: every pass's pods (as asked for) and status, in order. */
function drive(manifest: string, owned: boolean): unknown[] {
  const r = new Reconciler(manifest);
  r.owned = owned;
  const results = new Map<string, WorkflowTaskResult>();
  r.deps.getTaskResult = (_ns, id) => results.get(id);
  const seen: unknown[] = [];
  for (let i = 0; i < 400 && r.wf.status?.phase !== 'Succeeded' && r.wf.status?.phase !== 'Failed'; i++) {
    const result = r.pass();
    seen.push(JSON.parse(JSON.stringify({ pods: result.podsToCreate, status: r.wf.status })));
    for (const name of r.activePods()) {
      const node = r.node(name);
      // The first try of the flaky step and the `fails` step fail; everything else succeeds.
      const fail = name === 'fails' || node.name.endsWith('.s3(0)');
      results.set(node.id, {
        metadata: { name: node.id },
        outputs: { parameters: [{ name: 'p', value: `p-${name}` }], result: `r-${name}` },
      });
      r.finish(name, fail ? 1 : 0);
    }
    r.advance(1000);
  }
  expect(r.wf.status?.phase).toBe('Succeeded');
  return seen;
}

describe("a steps node's scope kept between passes", () => {
  it('asks for the same pods and writes the same status as one built afresh in every pass', () => {
    const fresh = drive(CHAIN, false);
    const kept = drive(CHAIN, true);
    expect(kept).toEqual(fresh);
    // The chain did hand its outputs on: the last step's argument came through every group.
    const last = JSON.stringify(fresh[fresh.length - 1]);
    expect(last).toContain('"value":"p-s5"');
  });

  it("runs a finished step's hook whose expression comes true later", () => {
    const fresh = drive(HOOKED, false);
    const kept = drive(HOOKED, true);
    expect(kept).toEqual(fresh);
    expect(JSON.stringify(fresh[fresh.length - 1])).toContain('hooked[0].a.hooks.later');
  });

  it('hands each step of a long chain the output of the one before it', () => {
    const fresh = drive(longChain(40), false);
    const kept = drive(longChain(40), true);
    expect(kept).toEqual(fresh);
    const pods = kept.flatMap((p) => (p as { pods: unknown[] }).pods);
    expect(JSON.stringify(pods)).toContain('p-c38');
  });
});

describe('a scope with transient writes', () => {
  it('takes them back, each key as it was, and its merged variables follow', () => {
    const scope = new Scope();
    scope.set('steps.a.status', 'Succeeded');
    const globals = { 'workflow.name': 'w', 'steps.b.status': 'global' };
    expect(scope.vars(globals)['steps.a.status']).toBe('Succeeded');
    scope.beginTransient();
    scope.set('steps.a.status', 'Failed');
    scope.set('steps.b.status', 'Running');
    scope.setArtifact('steps.a.outputs.artifacts.x', { name: 'x' });
    expect(scope.vars(globals)).toMatchObject({ 'steps.a.status': 'Failed', 'steps.b.status': 'Running' });
    scope.revert();
    const vars = scope.vars(globals);
    expect(vars['steps.a.status']).toBe('Succeeded');
    expect(vars['steps.b.status']).toBe('global');
    expect([...scope.params.keys()]).toEqual(['steps.a.status']);
    expect(scope.artifacts.size).toBe(0);
  });

  it('follows a global whose value changed between merges', () => {
    const scope = new Scope();
    scope.set('x', '1');
    expect(scope.vars({ 'workflow.duration': '1' })['workflow.duration']).toBe('1');
    expect(scope.vars({ 'workflow.duration': '2' })).toEqual({ 'workflow.duration': '2', x: '1' });
    expect(scope.vars({ x: 'global', y: '3' })).toEqual({ x: '1', y: '3' });
  });
});
