// A detached `argo workflow-controller` whose ARGO_HOME is removed under it goes, even with no
// idle exit: it has the store file open and would otherwise run on for good over a folder that
// is gone, with nothing any command could see.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IDLE_EXIT_ENV } from '../../src/client/local/controller-process.js';
import { until } from '../helpers/until.js';
import { repoRoot } from './cli.js';
import { stopProcessesOfHome } from './home-processes.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'argo-home-removed-'));

afterAll(async () => {
  await stopProcessesOfHome(home);
  rmSync(home, { recursive: true, force: true });
}, 20_000);

describe('a detached controller whose ARGO_HOME is removed', () => {
  it('stops, saying why, though its idle exit is off', async () => {
    const controller = spawn(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'workflow-controller'], {
      env: { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', [IDLE_EXIT_ENV]: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    controller.stdout.on('data', (d: Buffer) => (output += d.toString()));
    controller.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      await until('the controller to lead', 30_000, () =>
        output.includes('leading') || controller.exitCode !== null ? true : undefined,
      );
      expect(controller.exitCode, output).toBe(null);
      rmSync(home, { recursive: true, force: true });
      const code = await until('the controller to exit', 20_000, () => controller.exitCode ?? undefined);
      expect(code, output).toBe(0);
      expect(output).toContain(`stopping: ${path.join(home, 'argo.db')} was removed (its ARGO_HOME is gone)`);
      // Nothing was handed to a successor: the home is not made again.
      expect(existsSync(home)).toBe(false);
    } finally {
      if (controller.exitCode === null) controller.kill('SIGKILL');
    }
  }, 60_000);
});
