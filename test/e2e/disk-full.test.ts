// $ARGO_HOME on a 2 MB disk and a step that writes more log than fits: the node fails naming its
// log and "no space left on device", its pod folder is gone, the engine lives on and runs the next
// workflow. Needs a tmpfs mount (root); skipped, saying why, where mounting is not permitted.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDLE_EXIT_ENV } from '../../src/client/local/controller-process.js';
import { cliWithHome, fixture, type Cli } from './cli.js';

function mountTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** Unmounts once the background controller (idle-exiting after a second) has let go; detached if it never does. */
async function unmount(dir: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      return;
    } catch {
      if (Date.now() > deadline) {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The background controller the CLI starts exits a second after its work, so the disk can be unmounted. */
const ENV = { [IDLE_EXIT_ENV]: '1' };

let cli: Cli;
let skipReason: string | undefined;

beforeAll(() => {
  cli = cliWithHome();
  skipReason = process.platform === 'linux' ? mountTmpfs(cli.home) : 'tmpfs needs Linux';
  if (skipReason) console.warn(`disk-full tests skipped: ${skipReason}`);
});

afterAll(async () => {
  try {
    if (!skipReason) await unmount(cli.home);
  } finally {
    await cli.dispose();
  }
}, 30_000);

interface WorkflowJson {
  status: { phase: string; nodes: Record<string, { type: string; phase: string; message?: string }> };
}

/** Submits and waits for a workflow that fails: its name and its pod's node. */
async function submitFailing(
  file: string,
): Promise<{ name: string; pod: { phase: string; message?: string } }> {
  const run = await cli.run(['submit', '--wait', '-o', 'name', fixture(file)], {
    env: ENV,
    timeoutMs: 60_000,
  });
  expect(run.code).not.toBe(0);
  const name = run.stdout.trim().split('\n')[0];
  const got = await cli.run(['get', name, '-o', 'json'], { env: ENV });
  const wf = JSON.parse(got.stdout) as WorkflowJson;
  expect(wf.status.phase).toBe('Failed');
  return { name, pod: Object.values(wf.status.nodes).find((n) => n.type === 'Pod')! };
}

const mainLog = (name: string): string => path.join(cli.home, 'logs', 'default', name, 'main.log');

async function nextWorkflowSucceeds(): Promise<void> {
  const next = await cli.run(['submit', '--wait', fixture('succeed.yaml')], { env: ENV, timeoutMs: 60_000 });
  expect(next.stderr).toBe('');
  expect(next.stdout).toMatch(/Succeeded/);
}

/**
 * The step of `file` fills the disk: its node fails naming its log and the cause, its folder is
 * gone, and the engine, alive, runs the next workflow to the end in the space that freed.
 */
async function failsNamingTheLog(file: string): Promise<void> {
  const { name, pod } = await submitFailing(file);
  expect(pod.phase).toBe('Failed');
  expect(pod.message).toContain(`writing ${mainLog(name)}: no space left on device`);
  expect(readdirSync(path.join(cli.home, 'pods', 'default'))).toEqual([]);
  await nextWorkflowSucceeds();
}

describe('a full disk', () => {
  it('filled by the log of a step fails its node, and the engine goes on', async (ctx) => {
    if (skipReason) ctx.skip();
    await failsNamingTheLog('fill-disk.yaml');
  }, 150_000);

  it('filled by a file of a step fails its node (its stderr has nowhere to go), and the engine goes on', async (ctx) => {
    if (skipReason) ctx.skip();
    await failsNamingTheLog('fill-disk-file.yaml');
  }, 150_000);
});
