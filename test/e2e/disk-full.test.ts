// $ARGO_HOME on a 2 MB disk and a step that writes more log than fits: the node fails naming its
// log and "no space left on device", its pod folder is gone, the engine lives on and runs the next
// workflow. Needs a tmpfs mount (root); skipped, saying why, where mounting is not permitted.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, fixture, type Cli } from './cli.js';

function mountTmpfs(dir: string): string | undefined {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (err) {
    return `cannot mount a tmpfs: ${(err as Error).message.split('\n')[0]}`;
  }
}

function unmount(dir: string): void {
  try {
    execFileSync('umount', [dir], { stdio: 'pipe' });
  } catch {
    // Something still holds it open: detached now, gone when let go.
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  }
}

let cli: Cli;
let skipReason: string | undefined;

beforeAll(() => {
  cli = cliWithHome();
  skipReason = process.platform === 'linux' ? mountTmpfs(cli.home) : 'tmpfs needs Linux';
  if (skipReason) console.warn(`disk-full tests skipped: ${skipReason}`);
});

afterAll(() => {
  try {
    if (!skipReason) unmount(cli.home);
  } finally {
    cli.dispose();
  }
});

describe('a full disk', () => {
  it('fails the node with the path and the cause, frees its folder, and the engine goes on', async (ctx) => {
    if (skipReason) ctx.skip();
    const full = await cli.run(['submit', '--wait', '-o', 'name', fixture('fill-disk.yaml')], {
      timeoutMs: 60_000,
    });
    expect(full.code).not.toBe(0);
    const name = full.stdout.trim().split('\n')[0];
    const got = await cli.run(['get', name, '-o', 'json']);
    const wf = JSON.parse(got.stdout) as {
      status: { phase: string; nodes: Record<string, { type: string; phase: string; message?: string }> };
    };
    expect(wf.status.phase).toBe('Failed');
    const pod = Object.values(wf.status.nodes).find((n) => n.type === 'Pod')!;
    expect(pod.phase).toBe('Failed');
    const log = path.join(cli.home, 'logs', 'default', name, 'main.log');
    expect(pod.message).toContain(`writing ${log}: no space left on device`);
    // The failed pod's working folder is gone.
    expect(readdirSync(path.join(cli.home, 'pods', 'default'))).toEqual([]);

    // The engine was not taken down with it: the next workflow runs to the end.
    const next = await cli.run(['submit', '--wait', fixture('succeed.yaml')], { timeoutMs: 60_000 });
    expect(next.stderr).toBe('');
    expect(next.stdout).toMatch(/Succeeded/);
  }, 150_000);
});
