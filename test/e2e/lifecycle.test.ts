// suspend, resume, stop, terminate, node set, retry and resubmit as a user runs them: the lines
// printed, the exit codes, and what happens to the workflow.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';

let cli: Cli;
// Detached controllers exit soon after the last workflow finishes.
const env = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2' };
const argo = (...args: string[]): Promise<CliResult> => cli.run(args, { env, timeoutMs: 40_000 });

beforeAll(() => {
  cli = cliWithHome();
});
afterAll(async () => {
  await cli.dispose();
  for (const dir of gates) rmSync(dir, { recursive: true, force: true });
});

async function submit(file: string, ...flags: string[]): Promise<string> {
  const r = await argo('submit', fixture(file), '-o', 'name', ...flags);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

const gates: string[] = [];

/**
 * Submits lifecycle-gate.yaml: its first step runs until `open()` is called, so the test decides when
 * it ends (never, for a workflow the test stops).
 */
async function submitGated(...flags: string[]): Promise<{ name: string; open: () => void }> {
  const gate = mkdtempSync(path.join(tmpdir(), 'argo-e2e-gate-'));
  gates.push(gate);
  const manifest = path.join(gate, 'workflow.yaml');
  writeFileSync(manifest, readFileSync(fixture('lifecycle-gate.yaml'), 'utf8').replaceAll('GATE_DIR', gate));
  const r = await argo('submit', manifest, '-o', 'name', ...flags);
  expect(r.code, r.stderr).toBe(0);
  return { name: r.stdout.trim(), open: () => writeFileSync(path.join(gate, 'open'), '') };
}

/** Submits lifecycle-flaky.yaml and waits for it to fail. */
async function submitFailing(): Promise<string> {
  const r = await argo('submit', fixture('lifecycle-flaky.yaml'), '-o', 'name', '--wait');
  expect(r.code, r.stderr).toBe(1);
  return r.stdout.trim();
}

async function get(name: string): Promise<Workflow> {
  const r = await argo('get', name, '-o', 'json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Workflow;
}

async function until(name: string, ok: (wf: Workflow) => boolean, what: string): Promise<Workflow> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const wf = await get(name);
    if (ok(wf)) return wf;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name}: timed out waiting for ${what}`);
}

const node = (wf: Workflow, displayName: string): { phase?: string; message?: string } | undefined =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === displayName);
const nodeIs = (displayName: string, phase: string) => (wf: Workflow) =>
  node(wf, displayName)?.phase === phase;

describe('argo suspend and resume', () => {
  it('print one line per workflow; the suspended workflow waits, the resumed one finishes', async () => {
    const { name, open } = await submitGated();
    await until(name, nodeIs('nap', 'Running'), 'the first step to run');
    const s = await argo('suspend', name);
    expect(s.code).toBe(0);
    expect(lines(s.stdout)).toEqual([`workflow ${name} suspended`]);
    open();
    // The controller records the finished step in the same update in which it would start the next
    // one, so once the first step shows Succeeded, the second must not have started.
    let wf = await until(name, nodeIs('nap', 'Succeeded'), 'the first step to finish');
    expect(wf.spec.suspend).toBe(true);
    expect(node(wf, 'after')).toBeUndefined();
    expect(wf.status?.phase).toBe('Running');

    const r = await argo('resume', name);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`workflow ${name} resumed`]);
    const w = await argo('wait', name);
    expect(w.code).toBe(0);
    wf = await get(name);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(wf.spec.suspend).toBeUndefined();
  });

  it('say which workflow could not be suspended, and exit 1', async () => {
    const r = await argo('suspend', 'no-such-wf');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('failed to suspend no-such-wf: workflows.argoproj.io "no-such-wf" not found');
  });

  it('resume needs a workflow or a node field selector', async () => {
    const r = await argo('resume');
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual(['Error: requires either node field selector or workflow']);
  });
});

describe('argo node set and resume --node-field-selector', () => {
  it('supply the suspend node output and let the workflow go on', async () => {
    const name = await submit('lifecycle-approval.yaml');
    await until(name, nodeIs('approve', 'Running'), 'the approval step');
    const set = await argo(
      'node',
      'set',
      name,
      '--node-field-selector',
      'displayName=approve',
      '--output-parameter',
      'choice="yes please"',
      '-m',
      'approved by e2e',
    );
    expect(set.code, set.stderr).toBe(0);
    expect(lines(set.stdout)).toEqual(['workflow values set']);
    const r = await argo('resume', name, '--node-field-selector', 'displayName=approve');
    expect(lines(r.stdout)).toEqual([`workflow ${name} resumed`]);
    expect((await argo('wait', name)).code).toBe(0);
    const logs = await argo('logs', name);
    expect(lines(logs.stdout).map((l) => l.split(': ')[1])).toEqual(['chose yes please']);
    expect(node(await get(name), 'approve')?.message).toBe('approved by e2e');
  });

  it('node set reports a selector that matches no suspend node', async () => {
    const name = await submit('lifecycle-approval.yaml');
    await until(name, nodeIs('approve', 'Running'), 'the approval step');
    const r = await argo(
      'node',
      'set',
      name,
      '--node-field-selector',
      'displayName=nope',
      '--phase',
      'Succeeded',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no suspend nodes matching nodeFieldSelector: displayName=nope');
    const stop = await argo('stop', name, '--node-field-selector', 'displayName=approve', '--message', 'no');
    expect(lines(stop.stdout)).toEqual([`workflow ${name} stopped`]);
    expect((await argo('wait', name)).code).toBe(1);
    expect(node(await get(name), 'approve')).toMatchObject({ phase: 'Failed', message: 'no' });
  });

  it('node knows only the set action', async () => {
    const r = await argo('node', 'reset', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown action 'reset'");
  });
});

describe('argo stop and terminate', () => {
  it('stop: the exit handler runs, the workflow fails with the strategy as its message', async () => {
    const { name } = await submitGated();
    await until(name, nodeIs('nap', 'Running'), 'the first step to run');
    const dry = await argo('stop', name, '--dry-run');
    expect(lines(dry.stdout)).toEqual([`workflow ${name} stopped (dry-run)`]);
    const r = await argo('stop', name);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`workflow ${name} stopped`]);
    const w = await argo('wait', name);
    expect(w.code).toBe(1);
    expect(lines(w.stdout)[0]).toMatch(new RegExp(`^${name} Failed at `));
    const wf = await get(name);
    expect(wf.status?.message).toBe("Stopped with strategy 'Stop'");
    expect(node(wf, `${name}.onExit`)?.phase).toBe('Succeeded');

    const again = await argo('stop', name);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      `cannot shutdown a completed workflow: workflow: "${name}", namespace: "default"`,
    );
  });

  it('terminate by label selector: no exit handler', async () => {
    const { name } = await submitGated('-l', 'e2e-group=terminate-me');
    await until(name, nodeIs('nap', 'Running'), 'the first step to run');
    const dry = await argo('terminate', '-l', 'e2e-group=terminate-me', '--dry-run');
    expect(lines(dry.stdout)).toEqual([`workflow ${name} terminated (dry-run)`]);
    const r = await argo('terminate', '-l', 'e2e-group=terminate-me');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`workflow ${name} terminated`]);
    expect((await argo('wait', name)).code).toBe(1);
    const wf = await get(name);
    expect(wf.status?.message).toBe("Stopped with strategy 'Terminate'");
    expect(node(wf, `${name}.onExit`)).toBeUndefined();
  });

  it('need a workflow or a selector', async () => {
    for (const cmd of ['stop', 'terminate']) {
      const r = await argo(cmd);
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toEqual(['Error: requires either selector or workflow']);
    }
  });
});

describe('argo retry', () => {
  it('reruns the failed task with a new parameter and waits for success', async () => {
    const name = await submitFailing();
    expect((await get(name)).status?.phase).toBe('Failed');

    const r = await argo('retry', name, '-p', 'code=0', '--wait', '-o', 'name');
    expect(r.code, r.stderr).toBe(0);
    // -o name prints the name, and --wait is quiet with an output format.
    expect(lines(r.stdout)).toEqual([name]);
    const wf = await get(name);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(wf.spec.arguments?.parameters?.[0]).toEqual({ name: 'code', value: '0' });
    // The first task ran once, the second twice (its new pod's log replaces the old one).
    const logs = lines((await argo('logs', name)).stdout).map((l) => l.split(': ')[1]);
    expect(logs).toEqual(['first ran', 'second ran']);
  });

  it('prints the workflow, then the wait line; exit 1 when it fails again', async () => {
    const name = await submitFailing();
    const r = await argo('retry', name, '--wait');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(lines(r.stdout).at(-1)).toMatch(new RegExp(`^${name} Failed at `));
  });

  it('refuses a succeeded workflow without --restart-successful and a selector', async () => {
    const name = await submit('succeed.yaml', '--wait');
    const r = await argo('retry', name);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'To retry a succeeded workflow, set the options restartSuccessful and nodeFieldSelector',
    );
    const ok = await argo(
      'retry',
      name,
      '--restart-successful',
      '--node-field-selector',
      `name=${name}`,
      '-w',
    );
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('checks its flags', async () => {
    const bad = await argo('retry', 'x', '-o', 'table');
    expect(bad.code).toBe(1);
    expect(lines(bad.stderr)).toEqual([
      'Error: invalid argument "table" for "-o, --output" flag: One of: name|json|yaml|wide',
    ]);
    const none = await argo('retry');
    expect(lines(none.stderr)).toEqual(['Error: requires either node field selector or workflow']);
    const sel = await argo('retry', 'x', '--node-field-selector', 'oops');
    expect(sel.code).toBe(1);
    expect(sel.stderr).toContain("unable to parse node field selector 'oops'");
  });
});

describe('argo resubmit', () => {
  it('creates a new workflow labelled with the old name', async () => {
    const old = await submitFailing();
    const r = await argo('resubmit', old, '-p', 'code=0', '-o', 'name', '--wait');
    expect(r.code, r.stderr).toBe(0);
    const [name] = lines(r.stdout);
    expect(name).toMatch(/^e2e-flaky-[a-z0-9]{5}$/);
    expect(name).not.toBe(old);
    const wf = await get(name);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(wf.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow']).toBe(old);
    expect((await get(old)).status?.phase).toBe('Failed');
  });

  it('--memoized re-runs only what failed', async () => {
    const old = await submitFailing();
    const r = await argo('resubmit', old, '--memoized', '-p', 'code=0', '-o', 'name', '--wait');
    expect(r.code, r.stderr).toBe(0);
    const wf = await get(lines(r.stdout)[0]);
    expect(wf.status?.phase).toBe('Succeeded');
    expect(node(wf, 'first')).toMatchObject({ phase: 'Skipped' });
    expect(node(wf, 'second')).toMatchObject({ phase: 'Succeeded' });
  });

  it('@latest resubmits the newest workflow; --memoized is refused for a succeeded one', async () => {
    // Creation times have second precision: keep this one clear of the workflows before it.
    await new Promise((r) => setTimeout(r, 1100));
    const name = await submit('succeed.yaml', '--wait');
    const r = await argo('resubmit', '@latest', '--memoized');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('workflow must be Failed/Error to resubmit in memoized mode');
    const ok = await argo('resubmit', '@latest', '-o', 'json');
    expect(ok.code).toBe(0);
    const created = JSON.parse(ok.stdout) as Workflow;
    expect(created.metadata.labels?.['workflows.argoproj.io/resubmitted-from-workflow']).toBe(name);
    expect((await argo('wait', created.metadata.name!)).code).toBe(0);
  });
});
