// A detached controller that waited behind a live leader goes at its idle exit and leaves no
// successor: the leader has the work. (Handing the leader's unfinished workflows on made a chain of
// controllers, one spawned per idle spell, that took the work whenever the leader's lease lapsed.)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDLE_EXIT_ENV } from '../../src/client/local/controller-process.js';
import { fileLines, until } from '../helpers/until.js';
import { repoRoot, twoStepsOnHost } from './cli.js';
import { processesOfHome, stopProcessesOfHome } from './home-processes.js';

const marks = mkdtempSync('/var/tmp/argo-idle-handover-');
const home = path.join(marks, 'home');

afterAll(async () => {
  await stopProcessesOfHome(home);
  rmSync(marks, { recursive: true, force: true });
}, 20_000);

const isController = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('workflow-controller');
  } catch {
    return false;
  }
};

describe('a detached controller behind a live leader', () => {
  it.runIf(process.platform === 'linux')(
    'exits when idle and hands nothing over',
    async () => {
      const runs = path.join(marks, 'runs');
      const gate = path.join(marks, 'gate');
      const wf = path.join(marks, 'wf.yaml');
      const script = `echo {{inputs.parameters.num}} >> ${runs}; while [ ! -e ${gate} ]; do sleep 0.1; done`;
      writeFileSync(wf, twoStepsOnHost('behind', marks, script));
      const env = {
        ...process.env,
        ARGO_HOME: home,
        ARGO_LOCAL: 'true',
        NO_COLOR: '1',
        [IDLE_EXIT_ENV]: '1',
      };
      const bin = path.join(repoRoot, 'bin/argo.js');
      // The leader: `submit --wait` runs the engine in its own process while the workflow runs.
      const waiter = spawn(process.execPath, [bin, 'submit', '--wait', wf], { env, stdio: 'ignore' });
      try {
        await until('step one to start', 30_000, () => (fileLines(runs).length >= 1 ? true : undefined));
        const controller = spawn(process.execPath, [bin, 'workflow-controller'], {
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        controller.stdout.on('data', (d: Buffer) => (output += d.toString()));
        controller.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const code = await until('the controller to exit', 30_000, () => controller.exitCode ?? undefined);
        expect(code, output).toBe(0);
        expect(output).toContain('stopping: idle for 1s');
        expect(output).not.toContain('handing');
        expect(processesOfHome(home).filter(isController)).toEqual([]);
        expect(waiter.exitCode).toBe(null);
        writeFileSync(gate, '');
        const waited = await until('the workflow to end', 60_000, () => waiter.exitCode ?? undefined);
        expect(waited).toBe(0);
        expect(fileLines(runs)).toEqual(['1', '2']);
      } finally {
        if (waiter.exitCode === null) waiter.kill('SIGKILL');
      }
    },
    120_000,
  );
});
