// `argo archive retry` and `argo archive resubmit`, the same checks on every backend that has an
// archive (the local one directly, the Argo Server through its API).
import { expect } from 'vitest';
import { fixture, type CliResult } from './cli.js';

type Run = (args: string[]) => Promise<CliResult>;

async function archived(run: Run, name: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const live = JSON.parse((await run(['get', name, '-o', 'json'])).stdout);
    if (live.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status'] === 'Archived')
      return live.metadata.uid as string;
    if (Date.now() > deadline)
      throw new Error(`${name} was not archived: ${JSON.stringify(live.metadata.labels)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A failed workflow, archived: retry refuses while it is live, and once it is deleted re-creates
 * it under its name (its first task kept) and runs it to success; resubmit starts a new one.
 */
export async function checkArchiveRetryAndResubmit(run: Run): Promise<void> {
  const failed = (
    await run(['submit', fixture('lifecycle-flaky.yaml'), '--wait', '-o', 'name'])
  ).stdout.trim();
  const uid = await archived(run, failed);

  const live = await run(['archive', 'retry', uid]);
  expect(live.code).toBe(1);
  expect(live.stderr).toContain('Workflow already exists on cluster, use argo retry {name} instead');

  expect((await run(['delete', failed])).code).toBe(0);
  const retried = await run(['archive', 'retry', uid, '-p', 'code=0', '--wait']);
  expect(retried.code, retried.stderr).toBe(0);
  expect(retried.stdout).toMatch(new RegExp(`^Name:\\s+${failed}$`, 'm'));
  const after = JSON.parse((await run(['get', failed, '-o', 'json'])).stdout);
  expect(after.status.phase).toBe('Succeeded');
  expect(after.metadata.uid).not.toBe(uid);
  // The first task was not run again: its node is the archived one.
  const record = JSON.parse((await run(['archive', 'get', uid, '-o', 'json'])).stdout);
  const first = (wf: { status: { nodes: Record<string, { displayName: string; finishedAt: string }> } }) =>
    Object.values(wf.status.nodes).find((n) => n.displayName === 'first');
  expect(first(after)?.finishedAt).toBeDefined();
  expect(first(after)?.finishedAt).toBe(first(record)?.finishedAt);

  const resubmitted = await run(['archive', 'resubmit', uid, '-p', 'code=0', '-o', 'json', '--wait']);
  expect(resubmitted.code, resubmitted.stderr).toBe(0);
  const fresh = JSON.parse(resubmitted.stdout.slice(0, resubmitted.stdout.indexOf('\n') + 1));
  expect(fresh.metadata.name).not.toBe(failed);
  expect(fresh.metadata.name.startsWith('e2e-flaky-')).toBe(true);
  expect(JSON.parse((await run(['get', fresh.metadata.name, '-o', 'json'])).stdout).status.phase).toBe(
    'Succeeded',
  );

  const none = await run(['archive', 'resubmit', '00000000-0000-4000-8000-000000000000']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('not found');
}
