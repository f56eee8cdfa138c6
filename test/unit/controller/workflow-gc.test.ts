// The expiry decision of workflow GC: which ttlStrategy field applies to which phase, where the
// clock starts, the order TTLs from the workflow, its template and workflowDefaults merge in, and
// what counts as collectable.
import { describe, expect, it } from 'vitest';
import {
  expiresAtMs,
  gcEligible,
  ttlSeconds,
  ttlStrategyOf,
  workflowGCSettings,
} from '../../../src/controller/workflow-gc.js';
import type { ConfigMap } from '../../../src/model/meta.js';
import type { TTLStrategy, Workflow, WorkflowPhase } from '../../../src/model/workflow.js';

const all: TTLStrategy = { secondsAfterCompletion: 30, secondsAfterSuccess: 10, secondsAfterFailure: 20 };

function wf(opts: {
  phase?: WorkflowPhase;
  finishedAt?: string;
  ttl?: TTLStrategy;
  templateTTL?: TTLStrategy;
  labels?: Record<string, string>;
  deleting?: boolean;
}): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: 'w',
      namespace: 'default',
      labels: opts.labels,
      deletionTimestamp: opts.deleting ? '2026-01-01T00:00:00Z' : undefined,
    },
    spec: { ttlStrategy: opts.ttl },
    status: {
      phase: opts.phase,
      finishedAt: opts.finishedAt,
      storedWorkflowTemplateSpec: opts.templateTTL ? { ttlStrategy: opts.templateTTL } : undefined,
    },
  } as Workflow;
}

describe('ttlSeconds: the field for each phase', () => {
  it('uses secondsAfterSuccess for Succeeded and secondsAfterFailure for Failed', () => {
    expect(ttlSeconds('Succeeded', all)).toBe(10);
    expect(ttlSeconds('Failed', all)).toBe(20);
  });

  it('treats Error as completion, not failure, as upstream does', () => {
    expect(ttlSeconds('Error', all)).toBe(30);
    expect(ttlSeconds('Error', { secondsAfterFailure: 20 })).toBeUndefined();
  });

  it('falls back to secondsAfterCompletion when the phase field is unset', () => {
    expect(ttlSeconds('Succeeded', { secondsAfterCompletion: 30, secondsAfterFailure: 20 })).toBe(30);
    expect(ttlSeconds('Failed', { secondsAfterCompletion: 30, secondsAfterSuccess: 10 })).toBe(30);
  });

  it('keeps a zero, which deletes at once', () => {
    expect(ttlSeconds('Succeeded', { secondsAfterSuccess: 0, secondsAfterCompletion: 30 })).toBe(0);
  });

  it('never expires an unfinished workflow or one without a strategy', () => {
    expect(ttlSeconds('Running', all)).toBeUndefined();
    expect(ttlSeconds(undefined, all)).toBeUndefined();
    expect(ttlSeconds('Succeeded', undefined)).toBeUndefined();
    expect(ttlSeconds('Succeeded', { secondsAfterFailure: 5 })).toBeUndefined();
  });
});

describe('expiresAtMs: the clock starts at status.finishedAt', () => {
  it('adds the TTL to finishedAt', () => {
    const w = wf({ phase: 'Succeeded', finishedAt: '2026-01-01T00:00:00Z', ttl: all });
    expect(expiresAtMs(w)).toBe(Date.parse('2026-01-01T00:00:10Z'));
  });

  it('has no expiry without finishedAt', () => {
    expect(expiresAtMs(wf({ phase: 'Succeeded', ttl: all }))).toBeUndefined();
  });
});

describe('ttlStrategyOf: workflow over template over workflowDefaults, field by field', () => {
  it('takes each field from the most specific layer that sets it', () => {
    const w = wf({
      ttl: { secondsAfterSuccess: 1 },
      templateTTL: { secondsAfterSuccess: 2, secondsAfterFailure: 2 },
    });
    expect(
      ttlStrategyOf(w, { secondsAfterSuccess: 3, secondsAfterFailure: 3, secondsAfterCompletion: 3 }),
    ).toEqual({ secondsAfterSuccess: 1, secondsAfterFailure: 2, secondsAfterCompletion: 3 });
  });

  it('uses workflowDefaults alone when nothing else sets a TTL, and none when nothing does', () => {
    expect(ttlStrategyOf(wf({}), { secondsAfterCompletion: 7 })).toEqual({ secondsAfterCompletion: 7 });
    expect(ttlStrategyOf(wf({}))).toBeUndefined();
  });
});

describe('gcEligible', () => {
  const done = { 'workflows.argoproj.io/completed': 'true' };
  it('is a completed workflow, not being deleted, not Pending archiving', () => {
    expect(gcEligible(wf({ labels: done }))).toBe(true);
    expect(
      gcEligible(wf({ labels: { ...done, 'workflows.argoproj.io/workflow-archiving-status': 'Archived' } })),
    ).toBe(true);
    expect(
      gcEligible(wf({ labels: { ...done, 'workflows.argoproj.io/workflow-archiving-status': 'Pending' } })),
    ).toBe(false);
    expect(gcEligible(wf({ labels: done, deleting: true }))).toBe(false);
    expect(gcEligible(wf({}))).toBe(false);
  });
});

describe('workflowGCSettings: the controller ConfigMap', () => {
  const cm = (data: Record<string, string>): ConfigMap =>
    ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'argo' }, data }) as ConfigMap;

  it('reads retentionPolicy and workflowDefaults from their own keys or from `config`', () => {
    const own = cm({
      retentionPolicy: 'completed: 10\nfailed: 3\n',
      workflowDefaults: 'spec:\n  ttlStrategy:\n    secondsAfterSuccess: 5\n',
    });
    const nested = cm({
      config:
        'retentionPolicy:\n  completed: 10\n  failed: 3\nworkflowDefaults:\n  spec:\n    ttlStrategy:\n      secondsAfterSuccess: 5\n',
    });
    for (const c of [own, nested])
      expect(workflowGCSettings(c)).toEqual({
        defaultTTL: { secondsAfterSuccess: 5 },
        // A phase the policy leaves out keeps none, as upstream's zero value does.
        retention: { completed: 10, failed: 3, errored: 0 },
      });
  });

  it('has no policy and no default TTL without a ConfigMap', () => {
    expect(workflowGCSettings(undefined)).toEqual({ defaultTTL: undefined, retention: undefined });
  });
});
