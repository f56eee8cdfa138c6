// The pure parts of `argoexec resource`: condition syntax over JSON paths, kubectl's jsonpath
// templates, the kubectl flags resource templates pass, and apply's three-way merge patch.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import { threeWayPatch } from '../../../src/executor/argoexec/resource/actions.js';
import {
  formatRequirement,
  judge,
  lookupPath,
  parseConditions,
} from '../../../src/executor/argoexec/resource/conditions.js';
import { parseKubectlFlags } from '../../../src/executor/argoexec/resource/flags.js';
import { kubectlJsonPath } from '../../../src/executor/argoexec/resource/jsonpath.js';

const job = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'j', labels: { app: 'x' } },
  status: {
    succeeded: 3,
    failed: 0,
    ratio: 0.5,
    conditions: [
      { type: 'Complete', status: 'True' },
      { type: 'Failed', status: 'False' },
    ],
    replicaStatuses: { Worker: { succeeded: 2 } },
  },
} as unknown as KubeObject;

describe('resource conditions', () => {
  it('reads dotted paths as gjson does', () => {
    expect(lookupPath(job, 'status.succeeded')).toEqual({ exists: true, text: '3' });
    expect(lookupPath(job, 'status.conditions.1.type')).toEqual({ exists: true, text: 'Failed' });
    expect(lookupPath(job, 'status.conditions.2.type').exists).toBe(false);
    expect(lookupPath(job, 'metadata.labels')).toEqual({ exists: true, text: '{"app":"x"}' });
    expect(lookupPath(job, 'status.nothing').exists).toBe(false);
  });

  it('succeeds, waits or fails as the requirements say', () => {
    const c = (s: string, f = '') => judge(job, parseConditions(s, f));
    expect(c('status.succeeded > 2')).toEqual({ state: 'succeeded' });
    expect(c('status.succeeded > 3')).toEqual({ state: 'pending' });
    expect(c('status.replicaStatuses.Worker.succeeded = 2')).toEqual({ state: 'succeeded' });
    expect(c('status.conditions.0.type in (Complete, Done), !status.missing')).toEqual({
      state: 'succeeded',
    });
    // Not an integer: neither greater nor less.
    expect(c('status.ratio > 0')).toEqual({ state: 'pending' });
    expect(c('status.succeeded > 9', 'status.succeeded > 2')).toEqual({
      state: 'failed',
      message: "failure condition 'status.succeeded>2' evaluated true",
    });
    // Only a failure condition: the first look that does not fail succeeds, as upstream.
    expect(c('', 'status.failed > 0')).toEqual({ state: 'succeeded' });
    // A missing field is "not equal" to anything.
    expect(c('status.phase != Failed')).toEqual({ state: 'succeeded' });
  });

  it('prints requirements as Kubernetes does and reports parse errors', () => {
    const { failure } = parseConditions('', 'status.phase notin (Failed, Error)');
    expect(failure.map(formatRequirement)).toEqual(['status.phase notin (Error,Failed)']);
    expect(() => parseConditions('status.phase ==', 'status.x > y')).toThrow(
      /^fail condition 'status.x > y' failed to parse: .*integer/,
    );
    expect(() => parseConditions('a in b')).toThrow(/^success condition 'a in b' failed to parse: /);
  });
});

describe('kubectl jsonpath', () => {
  it('prints fields, indices, wildcards, filters and literals as kubectl does', () => {
    expect(kubectlJsonPath('{.metadata.name}', job)).toBe('j');
    expect(kubectlJsonPath('{.status.succeeded}', job)).toBe('3');
    expect(kubectlJsonPath('{.status.conditions[0].type}', job)).toBe('Complete');
    expect(kubectlJsonPath('{.status.conditions[-1].type}', job)).toBe('Failed');
    expect(kubectlJsonPath('{.status.conditions[*].type}', job)).toBe('Complete Failed');
    expect(kubectlJsonPath('{.status.conditions[?(@.type=="Failed")].status}', job)).toBe('False');
    expect(kubectlJsonPath('{.metadata.name}{"\\n"}{.kind}', job)).toBe('j\nJob');
    expect(kubectlJsonPath("{.metadata.labels['app']}", job)).toBe('x');
    expect(kubectlJsonPath('{.status.replicaStatuses}', job)).toBe('{"Worker":{"succeeded":2}}');
    expect(kubectlJsonPath('name={.metadata.name}', job)).toBe('name=j');
    expect(kubectlJsonPath('{.status.nothing}', job)).toBe('');
    expect(kubectlJsonPath('{..succeeded}', job)).toBe('3 2');
  });

  it('says what it cannot do', () => {
    expect(() => kubectlJsonPath('{range .items[*]}{.x}{end}', job)).toThrow(
      /range\/end blocks are not supported/,
    );
    expect(() => kubectlJsonPath('{.metadata.name', job)).toThrow(/unclosed action/);
  });
});

describe('resource.flags', () => {
  it('reads the kubectl flags resource templates use', () => {
    expect(parseKubectlFlags(['configmap', '--selector', 'cleanup=true'])).toEqual({
      args: ['configmap'],
      selector: 'cleanup=true',
    });
    expect(parseKubectlFlags(['pod', 'p1', '-n', 'other', '--ignore-not-found'])).toEqual({
      args: ['pod', 'p1'],
      namespace: 'other',
      ignoreNotFound: true,
    });
    expect(
      parseKubectlFlags(['--ignore-not-found=false', '--validate=false', '--cascade=foreground', '-lapp=x']),
    ).toEqual({
      args: [],
      ignoreNotFound: false,
      fieldValidation: 'Ignore',
      propagationPolicy: 'Foreground',
      selector: 'app=x',
    });
  });

  it('refuses a flag it does not know, by name', () => {
    expect(() => parseKubectlFlags(['--force'])).toThrow(/^unknown flag: --force/);
    expect(() => parseKubectlFlags(['--ignore-not-found=maybe'])).toThrow(/invalid argument "maybe"/);
  });
});

describe('apply', () => {
  it('patches to the applied state and removes what is no longer applied', () => {
    const last = { metadata: { name: 'a', labels: { x: '1', y: '2' } }, data: { a: '1', b: '2' } };
    const now = { metadata: { name: 'a', labels: { x: '1' } }, data: { a: '10' } };
    expect(threeWayPatch(last, now)).toEqual({
      metadata: { name: 'a', labels: { x: '1', y: null } },
      data: { a: '10', b: null },
    });
  });
});
