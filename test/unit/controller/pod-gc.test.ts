// Which pods a pod GC strategy deletes (upstream's determinePodCleanupAction), and the settings the
// controller's ConfigMap gives it.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POD_GC_DELETE_DELAY_MS,
  podGCDeletes,
  podGCSettings,
} from '../../../src/controller/pod-gc.js';
import type { ConfigMap } from '../../../src/model/meta.js';

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
