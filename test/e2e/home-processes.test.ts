// A test's home is removed only once what runs for it has stopped: a command without --wait
// leaves a detached controller up (by design, until it has been idle a while), and removing the
// home under it fails with ENOTEMPTY while it writes its log and store.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliWithHome, fixture } from './cli.js';
import { processesOfHome } from './home-processes.js';

describe.runIf(process.platform === 'linux')('disposing a CLI home', () => {
  it('stops the detached controller a command left, then removes the home', async () => {
    const cli = cliWithHome();
    try {
      // Idle exit well past the test: only the dispose stops it.
      const env = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '600' };
      const r = await cli.run(['submit', fixture('succeed.yaml'), '-o', 'name'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(processesOfHome(cli.home).length).toBeGreaterThan(0);
    } finally {
      await cli.dispose();
    }
    expect(processesOfHome(cli.home)).toEqual([]);
    expect(existsSync(cli.home)).toBe(false);
  }, 30_000);
});
