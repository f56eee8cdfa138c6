// `argo archive` commands, the same checks on every backend that has an archive (the local one
// directly, the Argo Server through its API).
import { expect } from 'vitest';
import { parse } from 'yaml';
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

  // --log follows the new workflow's logs until it ends.
  const logged = await run(['archive', 'resubmit', uid, '-p', 'code=0', '--log']);
  expect(logged.code, logged.stderr).toBe(0);
  expect(logged.stdout).toMatch(/^e2e-flaky-\S+: second ran$/m);

  // --restart-successful with --node-field-selector runs the chosen succeeded node again too.
  const again = (
    await run(['submit', fixture('lifecycle-flaky.yaml'), '--wait', '-o', 'name'])
  ).stdout.trim();
  const againUid = await archived(run, again);
  expect((await run(['delete', again])).code).toBe(0);
  const againRecord = JSON.parse((await run(['archive', 'get', againUid, '-o', 'json'])).stdout);
  // Times are kept to the second: let one go by, so a node run again cannot carry the same time.
  const firstDone = Date.parse(first(againRecord)?.finishedAt ?? '');
  await new Promise((r) => setTimeout(r, Math.max(0, firstDone + 1_100 - Date.now())));
  const restarted = await run([
    'archive',
    'retry',
    againUid,
    '--restart-successful',
    '--node-field-selector',
    'displayName=first',
    '-p',
    'code=0',
    '--wait',
  ]);
  expect(restarted.code, restarted.stderr).toBe(0);
  const rerun = JSON.parse((await run(['get', again, '-o', 'json'])).stdout);
  expect(rerun.status.phase).toBe('Succeeded');
  expect(first(rerun)?.finishedAt).toBeDefined();
  expect(first(rerun)?.finishedAt).not.toBe(first(againRecord)?.finishedAt);

  const none = await run(['archive', 'resubmit', '00000000-0000-4000-8000-000000000000']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('not found');
}

/**
 * The archive commands' output formats and selectors, as upstream's CLI prints and reads them:
 * list (wide by default, name, yaml, in chunks), get (wide, yaml), retry/resubmit choosing by label
 * and field selector, list-label-values, and delete of several records at once.
 */
export async function checkArchiveFormatsAndSelectors(run: Run): Promise<void> {
  const team = `sel-${Date.now().toString(36)}`;
  const names: string[] = [];
  for (let i = 0; i < 2; i++) {
    const sub = await run([
      'submit',
      fixture('succeed.yaml'),
      '--wait',
      '-o',
      'name',
      '--labels',
      `team=${team}`,
    ]);
    expect(sub.code, sub.stderr).toBe(0);
    names.push(sub.stdout.trim());
  }
  const uids = [await archived(run, names[0]), await archived(run, names[1])];

  const wide = (await run(['archive', 'list', '-l', `team=${team}`])).stdout.trimEnd().split('\n');
  expect(wide[0]).toMatch(
    /^NAMESPACE\s+NAME\s+STATUS\s+AGE\s+DURATION\s+PRIORITY\s+MESSAGE\s+P\/R\/C\s+PARAMETERS\s+UID$/,
  );
  for (const [i, name] of names.entries())
    expect(wide).toContainEqual(
      expect.stringMatching(
        new RegExp(`^default\\s+${name}\\s+Succeeded\\s.*\\s0/0/0\\s+word=default-word\\s+${uids[i]}$`),
      ),
    );
  const chunked = await run(['archive', 'list', '-l', `team=${team}`, '--chunk-size', '1', '-o', 'name']);
  expect(chunked.stdout.trimEnd().split('\n').sort()).toEqual([...names].sort());
  const yaml = parse((await run(['archive', 'list', '-l', `team=${team}`, '-o', 'yaml'])).stdout) as {
    metadata: { name: string };
  }[];
  expect(yaml.map((w) => w.metadata.name).sort()).toEqual([...names].sort());

  expect((await run(['archive', 'get', names[0]])).stdout).toMatch(new RegExp(`^Name:\\s+${names[0]}$`, 'm'));
  const got = parse((await run(['archive', 'get', uids[0], '-o', 'yaml'])).stdout) as {
    metadata: { name: string };
    status: { phase: string };
  };
  expect(got.metadata.name).toBe(names[0]);
  expect(got.status.phase).toBe('Succeeded');
  expect((await run(['archive', 'list-label-values', '-l', 'team'])).stdout.split('\n')).toContain(team);

  // A label and a field selector together choose one record: one workflow resubmitted from it.
  const resubmitted = await run([
    'archive',
    'resubmit',
    '-l',
    `team=${team}`,
    '--field-selector',
    `metadata.name=${names[0]}`,
    '-o',
    'json',
  ]);
  expect(resubmitted.code, resubmitted.stderr).toBe(0);
  const made = resubmitted.stdout.trimEnd().split('\n');
  expect(made).toHaveLength(1);
  expect((JSON.parse(made[0]) as { metadata: { name: string } }).metadata.name).toMatch(/^e2e-succeed-/);
  // Selectors that choose nothing rerun nothing, as upstream's.
  const none = await run([
    'archive',
    'retry',
    '-l',
    `team=${team}`,
    '--field-selector',
    'metadata.name=none',
  ]);
  expect(none.code, none.stderr).toBe(0);
  expect(none.stdout).toBe('');
  const future = await run([
    'archive',
    'retry',
    '-l',
    `team=${team}`,
    '--field-selector',
    'spec.startedAt>2099-01-01T00:00:00Z',
  ]);
  expect(future.code, future.stderr).toBe(0);
  expect(future.stdout).toBe('');
  const bad = await run(['archive', 'retry', '--field-selector', 'spec.nothing=1']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('unsupported requirement spec.nothing=1');

  const deleted = await run(['archive', 'delete', uids[0], uids[1]]);
  expect(deleted.code, deleted.stderr).toBe(0);
  expect(deleted.stdout).toBe(uids.map((u) => `Archived workflow '${u}' deleted\n`).join(''));
}
