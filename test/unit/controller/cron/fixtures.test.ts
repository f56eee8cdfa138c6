// Cron workflows of the kinds users write (test/fixtures/cron), run by the cron controller in fake time:
// each does what its spec says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CronController } from '../../../../src/controller/cron/index.js';
import type { KubeObject } from '../../../../src/model/meta.js';
import type { CronWorkflow, Workflow } from '../../../../src/model/workflow.js';
import type { ResourceKind } from '../../../../src/store/types.js';
import { parseManifests } from '../../../../src/workflow/manifest/index.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { MemoryStore } from '../../../helpers/memory-store.js';

const CRON_FIXTURES = fileURLToPath(new URL('../../../fixtures/cron/', import.meta.url));
const NS = 'argo';

function objects(file: string): KubeObject[] {
  const text = readFileSync(join(CRON_FIXTURES, file), 'utf8');
  return parseManifests(text, file).map((m) => {
    expect(m.error).toBeUndefined();
    const obj = m.object as unknown as KubeObject;
    obj.metadata.namespace = NS;
    return obj;
  });
}

let controller: CronController | undefined;

async function run(files: string[], from: string, to: string, timeZone = 'UTC') {
  const store = new MemoryStore();
  for (const f of files) {
    for (const obj of objects(f)) {
      if (obj.kind === 'Workflow') continue;
      await store.create(obj.kind as ResourceKind, obj);
    }
  }
  const clock = new FakeClock(from, (t) => vi.setSystemTime(t));
  controller = new CronController({ store, clock, timeZone, syncPeriodMs: 3_600_000 });
  await controller.start();
  const settle = () => controller!.idle();
  await settle();
  await clock.advanceTo(to, settle);
  const workflows = (await store.list<Workflow>('Workflow', { namespace: NS })).items;
  const cron = async (name: string) => (await store.get<CronWorkflow>('CronWorkflow', NS, name))!;
  return { store, clock, settle, workflows, cron };
}

const scheduledTimes = (wfs: Workflow[]): string[] =>
  wfs
    .map((w) => new Date(Number(w.metadata.name!.split('-').pop()) * 1000).toISOString().replace('.000', ''))
    .sort();

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(async () => {
  await controller?.stop();
  controller = undefined;
  vi.useRealTimers();
});

describe('cron workflows in fake time', () => {
  it('replace-every-minute: every minute in Los Angeles, each run replacing the one before', async () => {
    const { workflows, cron } = await run(
      ['replace-every-minute.yaml'],
      '2024-05-01T12:00:30Z',
      '2024-05-01T12:03:30Z',
    );
    expect(scheduledTimes(workflows)).toEqual([
      '2024-05-01T12:01:00Z',
      '2024-05-01T12:02:00Z',
      '2024-05-01T12:03:00Z',
    ]);
    const byName = [...workflows].sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
    expect(byName.map((w) => w.spec.shutdown)).toEqual(['Terminate', 'Terminate', undefined]);
    expect(byName[0].metadata.labels?.['workflows.argoproj.io/cron-workflow']).toBe('minutely');
    expect(byName[0].spec.templates?.[0].container?.args).toEqual(['tick for {{workflow.scheduledTime}}']);
    const status = (await cron('minutely')).status!;
    expect(status.lastScheduledTime).toBe('2024-05-01T12:03:00Z');
    expect(
      (await cron('minutely')).metadata.annotations?.['cronworkflows.argoproj.io/last-used-schedule'],
    ).toBe('CRON_TZ=America/Los_Angeles * * * * *');
  });

  it('when-spaced: runs when the last run is more than six minutes ago', async () => {
    const { workflows } = await run(['when-spaced.yaml'], '2024-05-01T12:00:30Z', '2024-05-01T12:20:30Z');
    expect(scheduledTimes(workflows)).toEqual([
      '2024-05-01T12:01:00Z',
      '2024-05-01T12:08:00Z',
      '2024-05-01T12:15:00Z',
    ]);
  });

  it('two-schedules: every 3 minutes on weekdays and every 2 minutes, in Los Angeles', async () => {
    // 12:00Z is 05:00 in Los Angeles: a Wednesday there, then a Saturday.
    const weekday = await run(['two-schedules.yaml'], '2024-05-01T12:00:30Z', '2024-05-01T12:10:30Z');
    const minutes = (wfs: Workflow[]) => scheduledTimes(wfs).map((t) => Number(t.slice(14, 16)));
    expect(minutes(weekday.workflows)).toEqual([2, 3, 4, 6, 8, 9, 10]);
    await controller?.stop();
    const weekend = await run(['two-schedules.yaml'], '2024-05-04T12:00:30Z', '2024-05-04T12:10:30Z');
    expect(minutes(weekend.workflows)).toEqual([2, 4, 6, 8, 10]);
  });

  it('nightly-with-template: nightly-report runs the report template at 02:00 each day', async () => {
    const { workflows, cron } = await run(
      ['nightly-with-template.yaml'],
      '2024-05-01T00:00:00Z',
      '2024-05-03T12:00:00Z',
    );
    expect(scheduledTimes(workflows)).toEqual([
      '2024-05-01T02:00:00Z',
      '2024-05-02T02:00:00Z',
      '2024-05-03T02:00:00Z',
    ]);
    expect(workflows[0].spec.workflowTemplateRef).toEqual({ name: 'report' });
    expect((await cron('nightly-report')).status?.conditions).toBeUndefined();
  });

  it('nightly-with-template: in the controller zone when the cron workflow has no timezone', async () => {
    const { workflows } = await run(
      ['nightly-with-template.yaml'],
      '2024-05-01T00:00:00Z',
      '2024-05-02T00:00:00Z',
      'Asia/Tokyo',
    );
    expect(scheduledTimes(workflows)).toEqual(['2024-05-01T17:00:00Z']);
    expect(workflows[0].metadata.annotations?.['workflows.argoproj.io/scheduled-time']).toBe(
      '2024-05-02T02:00:00+09:00',
    );
  });

  it('dag-cron: every five minutes from the inline-dag template', async () => {
    const { workflows } = await run(
      ['dag-template.yaml', 'dag-cron.yaml'],
      '2024-05-01T12:00:30Z',
      '2024-05-01T12:16:00Z',
    );
    expect(scheduledTimes(workflows)).toEqual([
      '2024-05-01T12:05:00Z',
      '2024-05-01T12:10:00Z',
      '2024-05-01T12:15:00Z',
    ]);
    expect(workflows[0].spec.workflowTemplateRef).toEqual({ name: 'inline-dag' });
  });

  it('dag-cron: without its template it records a SpecError and does not run', async () => {
    const { workflows, cron } = await run(['dag-cron.yaml'], '2024-05-01T12:00:30Z', '2024-05-01T12:16:00Z');
    expect(workflows).toEqual([]);
    expect((await cron('every-five')).status?.conditions?.[0]).toMatchObject({
      type: 'SpecError',
      message: 'cannot validate Workflow: workflowtemplates.argoproj.io "inline-dag" not found',
    });
  });
});
