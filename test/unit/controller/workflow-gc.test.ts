// The expiry decision of workflow GC: which ttlStrategy field applies to which phase, where the
// clock starts, the order TTLs from the workflow, its template and workflowDefaults merge in, and
// what counts as collectable.
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_WAIT_MS,
  WorkflowCollector,
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

describe('WorkflowCollector: one timer per workflow, at its expiry', () => {
  /** Timers that fire only when the test says: each armed timer's due time is recorded. */
  function fakeTimers(start: number) {
    let now = start;
    const armed: { at: number; fn: () => void; cancelled: boolean }[] = [];
    return {
      armed,
      timers: {
        now: () => new Date(now),
        setTimer(at: Date, fn: () => void) {
          const t = { at: at.getTime(), fn, cancelled: false };
          armed.push(t);
          return () => (t.cancelled = true);
        },
      },
      /** Moves the clock to `to` and fires what is due. */
      advance(to: number) {
        now = to;
        for (const t of armed.splice(0))
          if (!t.cancelled && t.at <= now) t.fn();
          else if (!t.cancelled) armed.push(t);
      },
    };
  }

  const collectors: WorkflowCollector[] = [];
  afterEach(async () => {
    for (const c of collectors.splice(0)) await c.stop();
  });

  function collector(t: ReturnType<typeof fakeTimers>, cache: Map<string, Workflow>, deleted: string[]) {
    const c = new WorkflowCollector({
      deleteWorkflow: async (_ns, name) => {
        deleted.push(name);
        cache.delete(name);
      },
      latest: (_ns, name) => cache.get(name),
      settings: () => ({}),
      timers: t.timers,
      log: () => undefined,
    });
    collectors.push(c);
    return c;
  }

  const settle = () => new Promise((r) => setTimeout(r, 10));
  const done = { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' };
  const finishedAt = '2026-01-01T00:00:00Z';
  const t0 = Date.parse(finishedAt);

  it('arms its timer for finishedAt + TTL and deletes only when that comes', async () => {
    const t = fakeTimers(t0 + 1000);
    const w = wf({ phase: 'Succeeded', finishedAt, ttl: { secondsAfterSuccess: 10 }, labels: done });
    const cache = new Map([['w', w]]);
    const deleted: string[] = [];
    collector(t, cache, deleted).offer(w);
    expect(t.armed.map((a) => a.at)).toEqual([t0 + 10_000]);
    t.advance(t0 + 9_999);
    await settle();
    expect(deleted).toEqual([]);
    t.advance(t0 + 10_000);
    await settle();
    expect(deleted).toEqual(['w']);
  });

  it('waits out a TTL longer than a timer can hold in steps, never deleting early', async () => {
    const t = fakeTimers(t0);
    const days40 = 40 * 24 * 3600;
    const w = wf({ phase: 'Succeeded', finishedAt, ttl: { secondsAfterCompletion: days40 }, labels: done });
    const cache = new Map([['w', w]]);
    const deleted: string[] = [];
    collector(t, cache, deleted).offer(w);
    expect(t.armed.map((a) => a.at)).toEqual([t0 + MAX_WAIT_MS]);
    t.advance(t0 + MAX_WAIT_MS);
    await settle();
    expect(deleted).toEqual([]);
    expect(t.armed.filter((a) => !a.cancelled).map((a) => a.at)).toEqual([t0 + days40 * 1000]);
  });

  it('leaves a workflow retried (no longer completed) by the time its TTL ran out', async () => {
    const t = fakeTimers(t0);
    const w = wf({ phase: 'Succeeded', finishedAt, ttl: { secondsAfterCompletion: 1 }, labels: done });
    const cache = new Map([['w', w]]);
    const deleted: string[] = [];
    collector(t, cache, deleted).offer(w);
    cache.set('w', wf({ phase: 'Running', ttl: { secondsAfterCompletion: 1 } }));
    t.advance(t0 + 1000);
    await settle();
    expect(deleted).toEqual([]);
  });
});
