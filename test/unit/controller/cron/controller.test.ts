// The cron controller in fake time, over the in-memory store: schedules, policies, history
// limits, missed runs, time zones across DST changes, `when` and stopStrategy.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { CronController } from '../../../../src/controller/cron/index.js';
import type { CronWorkflow, Workflow } from '../../../../src/model/workflow.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { MemoryStore } from '../../../helpers/memory-store.js';

const NS = 'argo';

function cronOf(yaml: string): CronWorkflow {
  const cron = parse(yaml) as CronWorkflow;
  cron.apiVersion ??= 'argoproj.io/v1alpha1';
  cron.kind ??= 'CronWorkflow';
  cron.metadata.namespace ??= NS;
  return cron;
}

const WORKFLOW_SPEC = `
  workflowSpec:
    entrypoint: main
    templates:
      - name: main
        container:
          image: argoproj/argosay:v2`;

interface Harness {
  store: MemoryStore;
  clock: FakeClock;
  controller: CronController;
  settle: () => Promise<void>;
  advanceTo: (t: string) => Promise<void>;
  workflows: () => Promise<Workflow[]>;
  cron: (name: string) => Promise<CronWorkflow>;
  finish: (name: string, phase: 'Succeeded' | 'Failed' | 'Error', at?: string) => Promise<void>;
}

const harnesses: Harness[] = [];

async function start(
  at: string,
  crons: CronWorkflow[],
  opts: {
    timeZone?: string;
    syncPeriodMs?: number;
    instanceId?: string;
    workers?: number;
    store?: MemoryStore;
  } = {},
): Promise<Harness> {
  const store = opts.store ?? new MemoryStore();
  const clock = new FakeClock(at, (t) => vi.setSystemTime(t));
  for (const c of crons) await store.create('CronWorkflow', c);
  const controller = new CronController({
    store,
    clock,
    timeZone: opts.timeZone ?? 'UTC',
    syncPeriodMs: opts.syncPeriodMs ?? 10_000,
    instanceId: opts.instanceId,
    workers: opts.workers,
  });
  await controller.start();
  const settle = (): Promise<void> => controller.idle();
  await settle();
  const h: Harness = {
    store,
    clock,
    controller,
    settle,
    advanceTo: (t) => clock.advanceTo(t, settle),
    workflows: async () =>
      (await store.list<Workflow>('Workflow', { namespace: NS })).items.sort((a, b) =>
        (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
      ),
    cron: async (name) => (await store.get<CronWorkflow>('CronWorkflow', NS, name))!,
    finish: async (name, phase, finishedAt) => {
      await store.patch('Workflow', NS, name, {
        metadata: { labels: { 'workflows.argoproj.io/completed': 'true' } },
        status: { phase, finishedAt: finishedAt ?? clock.now().toISOString().replace('.000', '') },
      });
      await settle();
    },
  };
  harnesses.push(h);
  return h;
}

const names = (wfs: Workflow[]): string[] => wfs.map((w) => w.metadata.name ?? '');
const unix = (iso: string): number => Date.parse(iso) / 1000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.controller.stop();
  vi.useRealTimers();
});

describe('the work queue', () => {
  it('works on at most `workers` cron workflows at once, and on one only after its job in hand', async () => {
    // Creating a workflow is held until the test lets go, so the jobs being worked on can be seen.
    const store = new MemoryStore();
    const create = store.create.bind(store);
    const creating: string[] = [];
    let most = 0;
    let letGo!: () => void;
    const held = new Promise<void>((resolve) => (letGo = resolve));
    store.create = (async (kind: Parameters<MemoryStore['create']>[0], obj: Workflow) => {
      if (kind !== 'Workflow') return create(kind, obj);
      const cron = obj.metadata.labels?.['workflows.argoproj.io/cron-workflow'] ?? '';
      creating.push(cron);
      most = Math.max(most, creating.length);
      await held;
      creating.splice(creating.indexOf(cron), 1);
      return create(kind, obj);
    }) as MemoryStore['create'];
    const every = (name: string) =>
      cronOf(`
metadata: {name: ${name}}
spec:
  schedules: ["* * * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [every('a'), every('b'), every('c')], {
      workers: 2,
      store,
    });
    const flush = () => new Promise<void>((resolve) => setTimeout(resolve, 50));
    await h.clock.advanceTo('2024-05-01T12:01:00Z', flush);
    await flush();
    expect(creating).toHaveLength(2);
    // A change to a cron workflow being worked on waits for that work: its timer is not re-armed yet.
    const busy = creating[0];
    await store.patch('CronWorkflow', NS, busy, { spec: { schedules: ['*/5 * * * *'] } });
    await flush();
    expect(h.controller.nextRunOf(NS, busy)).toBeUndefined();

    letGo();
    await h.settle();
    expect(most).toBe(2);
    expect(names(await h.workflows())).toEqual(
      ['a', 'b', 'c'].map((c) => `${c}-${unix('2024-05-01T12:01:00Z')}`),
    );
    expect(h.controller.nextRunOf(NS, busy)?.toISOString()).toBe('2024-05-01T12:05:00.000Z');
  });
});

describe('scheduled runs', () => {
  it('with an instance ID, runs only the cron workflows labelled with it; the runs keep the label', async () => {
    const labelled = (name: string, id?: string) =>
      cronOf(`
metadata:
  name: ${name}
${id ? `  labels: {workflows.argoproj.io/controller-instanceid: ${id}}` : ''}
spec:
  schedules: ["* * * * *"]
${WORKFLOW_SPEC}`);
    const crons = [labelled('mine', 'team-1'), labelled('other', 'team-2'), labelled('plain')];
    const h = await start('2024-05-01T12:00:30Z', crons, { instanceId: 'team-1' });
    await h.advanceTo('2024-05-01T12:01:10Z');
    const wfs = await h.workflows();
    expect(names(wfs)).toEqual([`mine-${unix('2024-05-01T12:01:00Z')}`]);
    expect(wfs[0].metadata.labels?.['workflows.argoproj.io/controller-instanceid']).toBe('team-1');
    // Without an instance ID ('' as the cluster controller passes it), only the unlabelled one.
    const none = await start('2024-05-01T12:00:30Z', crons, { instanceId: '' });
    await none.advanceTo('2024-05-01T12:01:10Z');
    expect(names(await none.workflows())).toEqual([`plain-${unix('2024-05-01T12:01:00Z')}`]);
  });

  it('creates one workflow per scheduled time, named, labelled and owned as Argo does', async () => {
    const cron = cronOf(`
metadata:
  name: every-minute
  labels:
    workflows.argoproj.io/creator: alice
    team: a
spec:
  schedules: ["* * * * *"]
  workflowMetadata:
    labels: {extra: "yes"}
    annotations: {note: hello}
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    expect(await h.workflows()).toEqual([]);
    await h.advanceTo('2024-05-01T12:03:10Z');
    const wfs = await h.workflows();
    expect(names(wfs)).toEqual([1714564860, 1714564920, 1714564980].map((s) => `every-minute-${s}`));
    const first = wfs[0];
    const stored = await h.cron('every-minute');
    expect(first.metadata.labels).toEqual({
      'workflows.argoproj.io/creator': 'alice',
      'workflows.argoproj.io/cron-workflow': 'every-minute',
      extra: 'yes',
    });
    expect(first.metadata.annotations).toEqual({
      'workflows.argoproj.io/scheduled-time': '2024-05-01T12:01:00Z',
      note: 'hello',
    });
    expect(first.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'CronWorkflow',
        name: 'every-minute',
        uid: stored.metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(first.spec.entrypoint).toBe('main');
    expect(stored.status?.lastScheduledTime).toBe('2024-05-01T12:03:00Z');
    expect(stored.status?.phase).toBe('Active');
    expect(stored.status?.active?.map((a) => a.name)).toEqual(names(wfs));
    expect(stored.status?.active?.[0]).toMatchObject({
      kind: 'Workflow',
      namespace: NS,
      uid: first.metadata.uid,
    });
    expect(stored.metadata.annotations?.['cronworkflows.argoproj.io/last-used-schedule']).toBe('* * * * *');
  });

  it('formats the scheduled-time annotation in the controller zone', async () => {
    const cron = cronOf(`
metadata: {name: zoned}
spec:
  schedules: ["0 12 * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-01-15T00:00:00Z', [cron], { timeZone: 'America/New_York' });
    await h.advanceTo('2024-01-15T18:00:00Z');
    const [wf] = await h.workflows();
    expect(wf.metadata.name).toBe(`zoned-${unix('2024-01-15T17:00:00Z')}`);
    expect(wf.metadata.annotations?.['workflows.argoproj.io/scheduled-time']).toBe(
      '2024-01-15T12:00:00-05:00',
    );
  });

  it('runs once for schedules that fire at the same time', async () => {
    const cron = cronOf(`
metadata: {name: multi}
spec:
  schedules: ["*/3 * * * 1-5", "*/2 * * * *"]
${WORKFLOW_SPEC}`);
    // A Wednesday: minutes 2, 3, 4, 6 (both), 8, 9, 10.
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:10:30Z');
    const minutes = (await h.workflows()).map(
      (w) => (unix('2024-05-01T12:00:00Z') - Number(w.metadata.name!.split('-')[1])) / -60,
    );
    expect(minutes).toEqual([2, 3, 4, 6, 8, 9, 10]);
  });

  it('accepts the legacy single schedule field', async () => {
    const cron = cronOf(`
metadata: {name: legacy}
spec:
  schedule: "*/5 * * * *"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:11:00Z');
    expect(names(await h.workflows())).toEqual([
      `legacy-${unix('2024-05-01T12:05:00Z')}`,
      `legacy-${unix('2024-05-01T12:10:00Z')}`,
    ]);
  });

  it('does nothing while suspended and resumes on the next scheduled time', async () => {
    const cron = cronOf(`
metadata: {name: paused}
spec:
  schedules: ["* * * * *"]
  suspend: true
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    expect(h.controller.scheduledCount()).toBe(0);
    await h.advanceTo('2024-05-01T12:05:00Z');
    expect(await h.workflows()).toEqual([]);
    await h.store.patch('CronWorkflow', NS, 'paused', { spec: { suspend: false } });
    await h.settle();
    expect(h.controller.scheduledCount()).toBe(1);
    await h.advanceTo('2024-05-01T12:06:30Z');
    expect(names(await h.workflows())).toEqual([`paused-${unix('2024-05-01T12:06:00Z')}`]);
  });

  it('keeps a run whose timer is due when the cron workflow changes before it fires', async () => {
    const cron = cronOf(`
metadata: {name: late}
spec:
  schedules: ["0 * * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:30:00Z', [cron]);
    h.clock.jumpTo('2024-05-01T13:00:05Z');
    await h.store.patch('CronWorkflow', NS, 'late', { metadata: { labels: { touched: 'yes' } } });
    await h.settle();
    await h.advanceTo('2024-05-01T13:00:10Z');
    expect(names(await h.workflows())).toEqual([`late-${unix('2024-05-01T13:00:00Z')}`]);
  });

  it('stops scheduling a deleted cron workflow', async () => {
    const cron = cronOf(`
metadata: {name: gone}
spec:
  schedules: ["* * * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.store.delete('CronWorkflow', NS, 'gone');
    await h.settle();
    expect(h.controller.scheduledCount()).toBe(0);
    await h.advanceTo('2024-05-01T12:05:00Z');
    expect(await h.workflows()).toEqual([]);
  });

  it('records a SpecError when the workflow it would create is invalid', async () => {
    const cron = cronOf(`
metadata: {name: broken}
spec:
  schedules: ["* * * * *"]
  workflowSpec:
    workflowTemplateRef: {name: missing}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    const stored = await h.cron('broken');
    expect(stored.status?.conditions).toEqual([
      {
        type: 'SpecError',
        status: 'True',
        message: expect.stringContaining('workflowtemplates.argoproj.io "missing" not found'),
      },
    ]);
    expect(h.controller.scheduledCount()).toBe(0);
  });
});

describe('concurrency policies', () => {
  const spec = (name: string, policy: string): CronWorkflow =>
    cronOf(`
metadata: {name: ${name}}
spec:
  schedules: ["* * * * *"]
  concurrencyPolicy: ${policy}
${WORKFLOW_SPEC}`);

  it('Allow runs alongside active workflows', async () => {
    const h = await start('2024-05-01T12:00:30Z', [spec('allow', 'Allow')]);
    await h.advanceTo('2024-05-01T12:03:30Z');
    expect(await h.workflows()).toHaveLength(3);
    expect((await h.cron('allow')).status?.active).toHaveLength(3);
  });

  it('Forbid skips a run while a workflow is active', async () => {
    const h = await start('2024-05-01T12:00:30Z', [spec('forbid', 'Forbid')]);
    await h.advanceTo('2024-05-01T12:03:30Z');
    const [first] = names(await h.workflows());
    expect(names(await h.workflows())).toEqual([`forbid-${unix('2024-05-01T12:01:00Z')}`]);
    await h.finish(first, 'Succeeded');
    expect((await h.cron('forbid')).status?.active).toBeUndefined();
    await h.advanceTo('2024-05-01T12:04:30Z');
    expect(names(await h.workflows())).toEqual([first, `forbid-${unix('2024-05-01T12:04:00Z')}`]);
  });

  it('Replace terminates the active workflow and runs a new one', async () => {
    const h = await start('2024-05-01T12:00:30Z', [spec('replace', 'Replace')]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    await h.advanceTo('2024-05-01T12:02:30Z');
    const [first, second] = await h.workflows();
    expect(first.spec.shutdown).toBe('Terminate');
    expect(second.spec.shutdown).toBeUndefined();
    expect(second.metadata.name).toBe(`replace-${unix('2024-05-01T12:02:00Z')}`);
  });

  it('an unknown policy is a submission error', async () => {
    const h = await start('2024-05-01T12:00:30Z', [spec('odd', 'Sometimes')]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    // Admission rejects it; a stored one is refused when validated.
    expect((await h.cron('odd')).status?.conditions?.[0]).toMatchObject({ type: 'SpecError' });
    expect(await h.workflows()).toEqual([]);
  });
});

describe('history limits', () => {
  it('keeps the newest successful and failed workflows by finish time', async () => {
    const cron = cronOf(`
metadata: {name: hist}
spec:
  schedules: ["* * * * *"]
  successfulJobsHistoryLimit: 2
  failedJobsHistoryLimit: 1
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:06:30Z');
    const all = names(await h.workflows());
    expect(all).toHaveLength(6);
    // Finish out of creation order: finish time, not name, decides which are kept.
    await h.finish(all[0], 'Succeeded', '2024-05-01T12:09:00Z');
    await h.finish(all[1], 'Succeeded', '2024-05-01T12:07:00Z');
    await h.finish(all[2], 'Failed', '2024-05-01T12:07:00Z');
    await h.finish(all[3], 'Error', '2024-05-01T12:08:00Z');
    await h.finish(all[4], 'Succeeded', '2024-05-01T12:08:00Z');
    expect(names(await h.workflows())).toEqual([all[0], all[3], all[4], all[5]]);
    const status = (await h.cron('hist')).status!;
    expect(status.succeeded).toBe(3);
    expect(status.failed).toBe(2);
    expect(status.active?.map((a) => a.name)).toEqual([all[5]]);
  });

  it('defaults to three successful and one failed', async () => {
    const cron = cronOf(`
metadata: {name: dflt}
spec:
  schedules: ["* * * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:06:30Z');
    const all = names(await h.workflows());
    for (const [i, n] of all.entries())
      await h.finish(n, i < 4 ? 'Succeeded' : 'Failed', `2024-05-01T12:1${i}:00Z`);
    expect(names(await h.workflows())).toEqual([all[1], all[2], all[3], all[5]]);
  });
});

describe('missed runs after downtime', () => {
  const downtime = (deadline: string, schedule = '* * * * *', lastUsed = schedule): CronWorkflow =>
    cronOf(`
metadata:
  name: missed
  annotations:
    cronworkflows.argoproj.io/last-used-schedule: "${lastUsed}"
spec:
  schedules: ["${schedule}"]
  ${deadline}
${WORKFLOW_SPEC}
status:
  lastScheduledTime: "2024-05-01T12:00:00Z"`);

  it('runs only the most recent missed time, when within startingDeadlineSeconds', async () => {
    const h = await start('2024-05-01T12:10:30Z', [downtime('startingDeadlineSeconds: 60')]);
    expect(names(await h.workflows())).toEqual([`missed-${unix('2024-05-01T12:10:00Z')}`]);
    expect((await h.cron('missed')).status?.lastScheduledTime).toBe('2024-05-01T12:10:00Z');
    await h.advanceTo('2024-05-01T12:11:30Z');
    expect(await h.workflows()).toHaveLength(2);
  });

  it('skips a missed time past the deadline, or when there is no deadline', async () => {
    for (const deadline of ['startingDeadlineSeconds: 20', 'startingDeadlineSeconds: 0', '']) {
      const h = await start('2024-05-01T12:10:30Z', [downtime(deadline)]);
      expect(await h.workflows()).toEqual([]);
      await h.advanceTo('2024-05-01T12:11:30Z');
      expect(names(await h.workflows())).toEqual([`missed-${unix('2024-05-01T12:11:00Z')}`]);
    }
  });

  it('does not catch up after the schedule was changed', async () => {
    const h = await start('2024-05-01T12:10:30Z', [
      downtime('startingDeadlineSeconds: 3600', '*/2 * * * *', '* * * * *'),
    ]);
    expect(await h.workflows()).toEqual([]);
  });

  it('catches up a daily run in its time zone', async () => {
    const cron = cronOf(`
metadata:
  name: daily
  annotations:
    cronworkflows.argoproj.io/last-used-schedule: "CRON_TZ=Asia/Tokyo 0 9 * * *"
spec:
  schedules: ["0 9 * * *"]
  timezone: Asia/Tokyo
  startingDeadlineSeconds: 7200
${WORKFLOW_SPEC}
status:
  lastScheduledTime: "2024-04-28T00:00:00Z"`);
    const h = await start('2024-05-01T01:00:00Z', [cron]);
    expect(names(await h.workflows())).toEqual([`daily-${unix('2024-05-01T00:00:00Z')}`]);
  });
});

describe('time zones across DST changes', () => {
  const zoned = (name: string, schedule: string, tz: string): CronWorkflow =>
    cronOf(`
metadata: {name: ${name}}
spec:
  schedules: ["${schedule}"]
  timezone: ${tz}
${WORKFLOW_SPEC}`);

  const startZoned = (at: string, crons: CronWorkflow[]): Promise<Harness> =>
    start(at, crons, { syncPeriodMs: 86_400_000 });

  const runTimes = async (h: Harness): Promise<string[]> =>
    (await h.workflows()).map((w) =>
      new Date(Number(w.metadata.name!.split('-').pop()) * 1000).toISOString().replace('.000', ''),
    );

  it('America/New_York spring forward: 02:30 does not exist on that day and is skipped', async () => {
    const h = await startZoned('2024-03-09T00:00:00Z', [zoned('spring', '30 2 * * *', 'America/New_York')]);
    await h.advanceTo('2024-03-12T12:00:00Z');
    expect(await runTimes(h)).toEqual([
      '2024-03-09T07:30:00Z',
      '2024-03-11T06:30:00Z',
      '2024-03-12T06:30:00Z',
    ]);
  });

  it('America/New_York fall back: 01:30 happens twice and runs twice', async () => {
    const h = await startZoned('2024-11-02T12:00:00Z', [zoned('fall', '30 1 * * *', 'America/New_York')]);
    await h.advanceTo('2024-11-04T12:00:00Z');
    expect(await runTimes(h)).toEqual([
      '2024-11-03T05:30:00Z',
      '2024-11-03T06:30:00Z',
      '2024-11-04T06:30:00Z',
    ]);
  });

  it('matches the Los Angeles table of the upstream docs', async () => {
    const h = await startZoned('2020-03-07T12:00:00Z', [
      zoned('a', '59 1 * * *', 'America/Los_Angeles'),
      zoned('b', '0 2 * * *', 'America/Los_Angeles'),
    ]);
    await h.advanceTo('2020-03-09T12:00:00Z');
    const scheduled = (await h.workflows()).map(
      (w) => w.metadata.annotations?.['workflows.argoproj.io/scheduled-time'],
    );
    // In the controller's zone (UTC here): 01:59 PST on the 8th, 01:59 PDT on the 9th, and 02:00 only on the 9th.
    expect(scheduled).toEqual(['2020-03-08T09:59:00Z', '2020-03-09T08:59:00Z', '2020-03-09T09:00:00Z']);
  });
});

describe('when', () => {
  it('runs the upstream cron-when example at most every six minutes', async () => {
    const cron = cronOf(`
metadata: {name: sleep-when}
spec:
  schedules: ["* * * * *"]
  concurrencyPolicy: "Allow"
  when: "{{= cronworkflow.lastScheduledTime == nil || (now() - cronworkflow.lastScheduledTime).Seconds() > 360 }}"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:16:30Z');
    const minutes = (await h.workflows()).map(
      (w) => (Number(w.metadata.name!.split('-').pop()) - unix('2024-05-01T12:00:00Z')) / 60,
    );
    expect(minutes).toEqual([1, 8, 15]);
  });

  it('sees the cron workflow fields', async () => {
    const cron = cronOf(`
metadata:
  name: fields
  labels: {env: prod}
spec:
  schedules: ["* * * * *"]
  when: "'{{cronworkflow.name}}' == 'fields' && '{{cronworkflow.namespace}}' == '${NS}' && {{= cronworkflow.failed == 0 && cronworkflow.succeeded == 0 }}"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    expect((await h.cron('fields')).status?.conditions).toBeUndefined();
    expect(await h.workflows()).toHaveLength(1);
  });

  it('a failing when is a submission error counted as failed', async () => {
    const cron = cronOf(`
metadata: {name: bad-when}
spec:
  schedules: ["* * * * *"]
  when: "nonsense == 1"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:02:30Z');
    expect(await h.workflows()).toEqual([]);
    const status = (await h.cron('bad-when')).status!;
    expect(status.conditions).toEqual([
      {
        type: 'SubmissionError',
        status: 'True',
        message: "run policy error: No parameter 'nonsense' found.",
      },
    ]);
    expect(status.failed).toBe(2);
  });
});

describe('stopStrategy', () => {
  it('stops after the expression holds: phase Stopped, then the completed label, then no more runs', async () => {
    const cron = cronOf(`
metadata: {name: stopper}
spec:
  schedules: ["* * * * *"]
  stopStrategy:
    expression: "cronworkflow.succeeded >= 2"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    await h.finish(names(await h.workflows())[0], 'Succeeded');
    await h.advanceTo('2024-05-01T12:02:30Z');
    await h.finish(names(await h.workflows())[1], 'Succeeded');
    let stored = await h.cron('stopper');
    expect(stored.status).toMatchObject({ phase: 'Stopped', succeeded: 2, failed: 0 });
    await h.advanceTo('2024-05-01T12:03:30Z');
    stored = await h.cron('stopper');
    expect(stored.metadata.labels?.['cronworkflows.argoproj.io/completed']).toBe('true');
    expect(h.controller.scheduledCount()).toBe(0);
    await h.advanceTo('2024-05-01T12:10:30Z');
    expect(await h.workflows()).toHaveLength(2);
  });

  it('counts failures and stops on cronworkflow.failed', async () => {
    const cron = cronOf(`
metadata: {name: failing}
spec:
  schedules: ["* * * * *"]
  stopStrategy:
    expression: "cronworkflow.failed >= 1"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    await h.finish(names(await h.workflows())[0], 'Failed');
    expect((await h.cron('failing')).status).toMatchObject({ phase: 'Stopped', failed: 1, succeeded: 0 });
    await h.advanceTo('2024-05-01T12:05:30Z');
    expect(await h.workflows()).toHaveLength(1);
  });

  it('sees the labels of the cron workflow and stops before running', async () => {
    const cron = cronOf(`
metadata:
  name: labelled
  labels: {env: retired}
spec:
  schedules: ["* * * * *"]
  stopStrategy:
    expression: "cronworkflow.labels.env == 'retired' && cronworkflow.name == 'labelled'"
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    const stored = await h.cron('labelled');
    expect(stored.status?.phase).toBe('Stopped');
    expect(stored.metadata.labels).toEqual({ env: 'retired', 'cronworkflows.argoproj.io/completed': 'true' });
    expect(await h.workflows()).toEqual([]);
  });

  it('a bad expression is a SpecError', async () => {
    const cron = cronOf(`
metadata: {name: badstop}
spec:
  schedules: ["* * * * *"]
  stopStrategy:
    expression: "cronworkflow.failed >="
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T12:01:30Z');
    const [condition] = (await h.cron('badstop')).status!.conditions!;
    expect(condition.type).toBe('SpecError');
    expect(condition.message).toMatch(
      /^failed to check CronWorkflow 'badstop' stopping condition: failed to evaluate stop expression: /,
    );
    expect(await h.workflows()).toEqual([]);
  });
});

describe('sync with its workflows', () => {
  it('finds active workflows after a restart and counts those that finished meanwhile', async () => {
    const cron = cronOf(`
metadata: {name: restart}
spec:
  schedules: ["0 * * * *"]
${WORKFLOW_SPEC}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    await h.advanceTo('2024-05-01T14:00:30Z');
    const [a, b] = names(await h.workflows());
    await h.controller.stop();
    // While no controller runs, one finishes.
    await h.store.patch('Workflow', NS, a, {
      status: { phase: 'Succeeded', finishedAt: '2024-05-01T14:01:00Z' },
    });
    await h.store.patch('CronWorkflow', NS, 'restart', { status: { active: null } });
    const again = new CronController({ store: h.store, clock: h.clock, timeZone: 'UTC' });
    await again.start();
    await h.clock.advanceTo('2024-05-01T14:02:00Z', () => again.idle());
    const status = (await h.cron('restart')).status!;
    expect(status.active?.map((x) => x.name)).toEqual([b]);
    await again.stop();
  });
});

describe('resync', () => {
  it('retries a cron workflow whose template was missing, and counts it as active meanwhile', async () => {
    const cron = cronOf(`
metadata: {name: later}
spec:
  schedules: ["* * * * *"]
  workflowSpec:
    workflowTemplateRef: {name: arrives-later}`);
    const h = await start('2024-05-01T12:00:30Z', [cron]);
    expect(h.controller.scheduledCount()).toBe(0);
    expect(h.controller.activeCronCount()).toBe(1);
    await h.store.create('WorkflowTemplate', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'arrives-later', namespace: NS },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    });
    await h.advanceTo('2024-05-01T12:20:40Z');
    expect(h.controller.scheduledCount()).toBe(1);
    await h.advanceTo('2024-05-01T12:21:30Z');
    expect(names(await h.workflows())).toEqual([`later-${unix('2024-05-01T12:21:00Z')}`]);
    expect((await h.cron('later')).status?.conditions).toBeUndefined();
  });
});
