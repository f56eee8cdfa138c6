// The controller survives a crash: kill -9 it mid-workflow, start another, and the workflow
// finishes without re-running the steps that had already succeeded.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopProcessesOfHome } from './home-processes.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'bin/argo.js');

let home: string;
let env: NodeJS.ProcessEnv;
const controllers: ChildProcess[] = [];

function argo(...args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 30_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function startController(): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'workflow-controller'], { env, stdio: 'ignore' });
  controllers.push(child);
  return child;
}

async function waitFor<T>(fn: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function workflow(name: string): {
  status?: {
    phase?: string;
    nodes?: Record<string, { displayName?: string; phase?: string; startedAt?: string; finishedAt?: string }>;
  };
} {
  return JSON.parse(argo('get', name, '-o', 'json').stdout) as ReturnType<typeof workflow>;
}

beforeAll(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'argo-durability-'));
  env = { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '0' };
});

afterAll(async () => {
  for (const c of controllers) if (c.exitCode === null) c.kill('SIGKILL');
  // Also the controller a command started on its own (`argo get` finds the work the killed one
  // left, and no live controller): with an idle exit of 0 it would never go.
  await stopProcessesOfHome(home);
  rmSync(home, { recursive: true, force: true });
}, 20_000);

describe('controller crash and restart', () => {
  it('finishes the workflow and does not re-run succeeded steps', async () => {
    const file = path.join(home, 'wf.yaml');
    writeFileSync(
      file,
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: crash}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: first, template: quick}
    - - {name: second, template: slow}
    - - {name: third, template: quick}
  - name: quick
    container: {image: busybox, command: [sh, -c, 'echo ran-at-$(date +%s%N)']}
  - name: slow
    container: {image: busybox, command: [sh, -c, 'sleep 3; echo slow-done']}
`,
    );
    const first = startController();
    expect(argo('submit', file).status).toBe(0);
    const firstDone = await waitFor(
      () => {
        const n = Object.values(workflow('crash').status?.nodes ?? {}).find((x) => x.displayName === 'first');
        const second = Object.values(workflow('crash').status?.nodes ?? {}).find(
          (x) => x.displayName === 'second',
        );
        return n?.phase === 'Succeeded' && second ? n : undefined;
      },
      20_000,
      'the first step to succeed',
    );
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    // A controller that died holds its lease until it expires; the next one takes over then.
    startController();
    const done = await waitFor(
      () => {
        const wf = workflow('crash');
        return wf.status?.phase === 'Succeeded' || wf.status?.phase === 'Failed' ? wf : undefined;
      },
      40_000,
      'the workflow to finish',
    );
    expect(done.status?.phase).toBe('Succeeded');
    const again = Object.values(done.status?.nodes ?? {}).find((x) => x.displayName === 'first');
    expect(again?.startedAt).toBe(firstDone.startedAt);
    expect(again?.finishedAt).toBe(firstDone.finishedAt);
    const logs = argo('logs', 'crash').stdout;
    expect(logs.match(/ran-at-/g)).toHaveLength(2);
    expect(logs).toContain('slow-done');
  }, 90_000);
});
