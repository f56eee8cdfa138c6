// A command tells a controller that died from one that runs by the lease holder's identity: the
// process of this machine it names.
import { spawn } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { holderProcessGone, localHolderIdentity } from '../../../src/client/local/controller-lease.js';

describe('controller lease holder', () => {
  it('names this process, which is not gone', () => {
    const holder = localHolderIdentity();
    expect(holder.startsWith(`${os.hostname()}-${process.pid}-`)).toBe(true);
    expect(holderProcessGone(holder)).toBe(false);
  });

  it.runIf(process.platform === 'linux')('is gone once its process was killed, reaped or not', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    const holder = `${os.hostname()}-${child.pid}-abcdef`;
    expect(holderProcessGone(holder)).toBe(false);
    // Not reaped yet right after the kill: a zombie counts as gone.
    process.kill(child.pid!, 'SIGKILL');
    const end = Date.now() + 5000;
    while (!holderProcessGone(holder) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(holderProcessGone(holder)).toBe(true);
  });

  it("never takes another machine's holder for gone", () => {
    expect(holderProcessGone(`not-${os.hostname()}-1-abcdef`)).toBe(false);
  });
});
