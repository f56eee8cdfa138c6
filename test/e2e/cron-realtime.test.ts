// In real time, on the local backend: a cron workflow scheduled every minute makes a workflow that
// succeeds, run by the detached controller `argo cron create` starts, which stays up meanwhile even
// though its idle limit is shorter than the wait. Mostly waiting, so it runs beside the other files.
import { afterAll, expect, it } from 'vitest';
import type { CronWorkflow, Workflow } from '../../src/model/workflow.js';
import { fixture, useCli } from './cli.js';

const ENV = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '3' };
const cli = useCli();
const argo = (...args: string[]) => cli.run(args, { env: ENV });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(async () => {
  await argo('cron', 'delete', '--all');
});

async function poll<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2000);
  }
}

it('a cron workflow every minute creates a workflow that succeeds', { timeout: 150_000 }, async () => {
  const created = await argo('cron', 'create', fixture('cron-every-minute.yaml'));
  expect(created.code).toBe(0);
  const deadline = Date.now() + 120_000;
  const wf = await poll('a succeeded workflow', deadline, async () => {
    const r = await argo('list', '-o', 'json', '-l', 'workflows.argoproj.io/cron-workflow=every-minute');
    const items = r.stdout.trim() ? (JSON.parse(r.stdout) as Workflow[] | null) : null;
    return (items ?? []).find((w) => w.status?.phase === 'Succeeded');
  });
  const scheduled = wf.metadata.annotations?.['workflows.argoproj.io/scheduled-time'] ?? '';
  const seconds = Number(wf.metadata.name?.replace('every-minute-', ''));
  expect(seconds % 60).toBe(0);
  expect(Date.parse(scheduled) / 1000).toBe(seconds);
  const logs = await argo('logs', wf.metadata.name ?? '');
  expect(logs.stdout).toContain(`scheduled at ${scheduled}`);

  const cron = await poll('the cron workflow to count the success', deadline, async () => {
    const r = await argo('cron', 'get', 'every-minute', '-o', 'json');
    const c = JSON.parse(r.stdout) as CronWorkflow;
    return (c.status?.succeeded ?? 0) >= 1 ? c : undefined;
  });
  expect(Date.parse(cron.status?.lastScheduledTime ?? '')).toBeGreaterThanOrEqual(seconds * 1000);
  expect(cron.status?.phase).toBe('Active');
  expect(cron.metadata.annotations?.['cronworkflows.argoproj.io/last-used-schedule']).toBe('* * * * *');
  const text = (await argo('cron', 'get', 'every-minute')).stdout;
  // Read within a second of the schedule, the relative part is "(now)".
  expect(text).toMatch(
    /^LastScheduledTime:\s+\w{3} \w{3} [ \d]\d \d\d:\d\d:00 [+-]\d{4} \((?:.* ago|now)\)$/m,
  );
  const row = (await argo('cron', 'list')).stdout.split('\n')[1].split(/\s{3,}/);
  expect(row[0]).toBe('every-minute');
  expect(row[2]).toMatch(/^\d+s$/);
});
