// `argo submit --wait` runs the engine in-process; stopped with Ctrl+C mid-step, it hands the
// work to a detached controller, which adopts the running step's container instead of running
// the step again.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileLines, until } from '../helpers/until.js';
import { cliWithHome, repoRoot, twoStepsOnHost, type Cli } from './cli.js';

let cli: Cli;
let marks: string;

beforeAll(() => {
  cli = cliWithHome();
  // A host folder the steps share through a hostPath volume: the rest of a container's files are its own.
  marks = mkdtempSync('/var/tmp/argo-handover-');
});

afterAll(async () => {
  await cli.dispose();
  rmSync(marks, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('argo submit --wait stopped mid-step', () => {
  it('hands the running step to a detached controller, which finishes it without running it again', async () => {
    const file = path.join(marks, 'runs');
    const wf = path.join(marks, 'wf.yaml');
    writeFileSync(
      wf,
      twoStepsOnHost('handover', marks, `echo step-{{inputs.parameters.num}} >> ${file}; sleep 2`),
    );
    const env = {
      ...process.env,
      ARGO_HOME: cli.home,
      ARGO_LOCAL: 'true',
      ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2',
    };
    const waiter = spawn(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'submit', '--wait', wf], {
      env,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => waiter.once('exit', resolve));
    await until('the first step to start', 20_000, () => (fileLines(file).length >= 1 ? true : undefined));
    waiter.kill('SIGINT');
    await exited;
    const done = await until('the workflow to finish', 40_000, async () => {
      const r = await cli.run(['get', 'handover', '-o', 'json']);
      const phase = (JSON.parse(r.stdout) as { status?: { phase?: string } }).status?.phase;
      return phase === 'Succeeded' || phase === 'Failed' ? phase : undefined;
    });
    expect(done).toBe('Succeeded');
    expect(fileLines(file)).toEqual(['step-1', 'step-2']);
  }, 90_000);
});
