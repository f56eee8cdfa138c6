// `argo workflow-controller` flags of upstream's that this controller honours.
import { describe, expect, it } from 'vitest';
import { useCli } from './cli.js';

describe('argo workflow-controller flags', () => {
  const cli = useCli();

  it('takes --workflow-workers, defaulting to 32 as upstream', async () => {
    const r = await cli.run(['workflow-controller', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--workflow-workers int\s+Number of workflow workers \(default 32\)/);
  });

  it('refuses a worker count below one, naming the flag', async () => {
    const r = await cli.run(['workflow-controller', '--workflow-workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--workflow-workers must be at least 1, got 0');
  });
});
