// Which pods a pod GC strategy deletes (upstream's determinePodCleanupAction), and the settings the
// controller's ConfigMap gives it.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POD_GC_DELETE_DELAY_MS,
  podGCDeletes,
  podGCSettings,
} from '../../../src/controller/pod-gc.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import { Reconciler } from '../../helpers/reconcile.js';

const everything = [] as const;

describe('podGCDeletes', () => {
  const cases: [strategy: string, wf: string, pod: string, deletes: boolean][] = [
    ['OnPodCompletion', 'Running', 'Failed', true],
    ['OnPodSuccess', 'Running', 'Succeeded', true],
    ['OnPodSuccess', 'Succeeded', 'Failed', false],
    ['OnWorkflowCompletion', 'Running', 'Succeeded', false],
    ['OnWorkflowCompletion', 'Failed', 'Succeeded', true],
    ['OnWorkflowSuccess', 'Failed', 'Succeeded', false],
    ['OnWorkflowSuccess', 'Succeeded', 'Failed', true],
    ['', 'Succeeded', 'Succeeded', false],
  ];
  it.each(cases)('%s with the workflow %s and the pod %s: %s', (strategy, wf, pod, deletes) => {
    expect(podGCDeletes(strategy, everything, {}, wf as 'Running', pod)).toBe(deletes);
  });

  it('deletes only pods the label selector selects', () => {
    const selector = [{ key: 'gc', operator: '=' as const, values: ['yes'] }];
    expect(podGCDeletes('OnPodCompletion', selector, { gc: 'yes' }, 'Running', 'Succeeded')).toBe(true);
    expect(podGCDeletes('OnPodCompletion', selector, { gc: 'no' }, 'Running', 'Succeeded')).toBe(false);
  });
});

describe('podGCSettings', () => {
  const cm = (data: Record<string, string>): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
    data,
  });

  it('defaults as upstream: a 5 s delay, the pod’s own grace period', () => {
    expect(podGCSettings(undefined)).toEqual({ deleteDelayMs: DEFAULT_POD_GC_DELETE_DELAY_MS });
    expect(DEFAULT_POD_GC_DELETE_DELAY_MS).toBe(5000);
  });

  it('reads podGCDeleteDelayDuration and podGCGracePeriodSeconds from either ConfigMap layout', () => {
    expect(podGCSettings(cm({ podGCDeleteDelayDuration: '1m', podGCGracePeriodSeconds: '3' }))).toEqual({
      deleteDelayMs: 60_000,
      gracePeriodSeconds: 3,
    });
    expect(
      podGCSettings(cm({ config: 'podGCDeleteDelayDuration: 0s\npodGCGracePeriodSeconds: 0\n' })),
    ).toEqual({
      deleteDelayMs: 0,
      gracePeriodSeconds: 0,
    });
  });
});

describe('the pod-gc-strategy annotation', () => {
  const workflow = (podGC: string) => `
metadata: {name: gc}
spec:
  entrypoint: main
  ${podGC}
  templates:
    - name: main
      container: {image: busybox}
`;
  const annotationOf = (podGC: string, configuredDelayMs?: number, layout?: 'argoexec') => {
    const r = new Reconciler(workflow(podGC));
    r.deps = { podGCDeleteDelayMs: configuredDelayMs, pods: layout ? { layout } : undefined };
    r.pass();
    return r.podOf('gc').metadata.annotations?.['workflows.argoproj.io/pod-gc-strategy'];
  };

  it('states the strategy and the delay as upstream writes them: <strategy>/<Go duration>', () => {
    // Without a ConfigMap value, upstream's default of 5 s.
    expect(annotationOf('podGC: {strategy: OnPodSuccess}')).toBe('OnPodSuccess/5s');
    expect(annotationOf('podGC: {strategy: OnPodCompletion}', 90_000)).toBe('OnPodCompletion/1m30s');
    expect(annotationOf('podGC: {strategy: OnWorkflowSuccess}', 1500, 'argoexec')).toBe(
      'OnWorkflowSuccess/1.5s',
    );
  });

  it("takes the workflow's own deleteDelayDuration over the ConfigMap's", () => {
    expect(annotationOf('podGC: {strategy: OnPodSuccess, deleteDelayDuration: 30s}', 90_000)).toBe(
      'OnPodSuccess/30s',
    );
  });

  it('is on pods of any workflow with podGC, even without a strategy, and on no others', () => {
    expect(annotationOf('podGC: {}')).toBe('/5s');
    expect(annotationOf('')).toBeUndefined();
  });
});
