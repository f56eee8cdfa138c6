// After a crash, a new runtime kills what the dead one left running and runs its pods again;
// pods owned by a runtime that is still alive are left alone.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { HostRuntime } from '../../../src/executor/index.js';
import type { Pod } from '../../../src/model/pod.js';
import { NS, podFor, startHarness, taskResult, waitForPod, type Harness } from './harness.js';

const OWNER = 'argo-ts.io/host-runtime';
const PGID = 'argo-ts.io/host-pgid';

let harnesses: Harness[] = [];
afterEach(async () => {
  for (const h of harnesses) await h.close();
  harnesses = [];
});

const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const startTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
};

function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0] !== 'Z';
  } catch {
    return false;
  }
}

/** A pod as a crashed runtime left it: Running, with its owner and process group recorded. */
function leftRunning(name: string, owner: string, pgid: number): Pod {
  const pod = podFor(
    name,
    { name: 't', container: { image: 'alpine', command: ['sh', '-c', 'echo ran again'] } },
    { includeScriptOutput: true },
  );
  pod.metadata.annotations = { ...pod.metadata.annotations, [OWNER]: owner, [PGID]: String(pgid) };
  pod.status = {
    phase: 'Running',
    startTime: '2020-01-01T00:00:00Z',
    containerStatuses: [{ name: 'main', state: { running: {} } }],
  };
  return pod;
}

describe.runIf(process.platform === 'linux')('host runtime recovery', () => {
  it('kills the process groups of a dead runtime and runs its pods from scratch', async () => {
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    const gone = spawn('true');
    await new Promise((r) => gone.on('exit', r));
    const h = await startHarness();
    harnesses.push(h);
    await h.runtime.stop();
    // The store outlives the runtime, as the SQLite file does a crash.
    const pod = leftRunning('orphaned', `${bootId()}/${gone.pid}/1/dead-instance`, orphan.pid!);
    await h.store.create('Pod', pod);
    const next = new HostRuntime(h.store, { home: h.home, gracePeriodSeconds: 1 });
    await next.start();
    try {
      const done = await waitForPod(h, 'orphaned', (p) => p.status?.phase === 'Succeeded');
      expect(done.metadata.annotations?.[OWNER]).not.toContain('dead-instance');
      expect((await taskResult(h, done))?.outputs?.result).toBe('ran again');
      expect(running(orphan.pid!)).toBe(false);
    } finally {
      await next.stop();
      orphan.kill('SIGKILL');
    }
  });

  it('takes containers down with the runtime process that started them (namespace helper)', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const mode = h.runtime.isolation!;
    if (mode.kind !== 'helper') return;
    // A stand-in for the runtime process: a shell that starts a container through the helper.
    const parent = spawn('sh', ['-c', `"$0" root "$1" . -- sleep 300 & echo $!; wait`, mode.file, h.home], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const pid = Number(
      await new Promise<string>((resolve) =>
        parent.stdout.once('data', (d: Buffer) => resolve(d.toString())),
      ),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(running(pid)).toBe(true);
    parent.kill('SIGKILL');
    const until = Date.now() + 3000;
    while (running(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(running(pid)).toBe(false);
  });

  it('leaves alone pods whose runtime is alive', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const parent = process.ppid;
    await h.store.create(
      'Pod',
      leftRunning('owned-elsewhere', `${bootId()}/${parent}/${startTicks(parent)}/other`, 999_999),
    );
    await new Promise((r) => setTimeout(r, 300));
    const pod = await h.store.get<Pod>('Pod', NS, 'owned-elsewhere');
    expect(pod?.status?.phase).toBe('Running');
    expect(pod?.status?.startTime).toBe('2020-01-01T00:00:00Z');
  });

  it('takes over from a runtime of this process that was stopped mid-pod', async () => {
    const h = await startHarness();
    harnesses.push(h);
    const pod = podFor(
      'midway',
      { name: 'm', container: { image: 'alpine', command: ['sh', '-c', 'sleep 0.5; echo finished'] } },
      { includeScriptOutput: true },
    );
    await h.store.create('Pod', pod);
    await waitForPod(h, 'midway', (p) => p.status?.phase === 'Running');
    await h.runtime.stop();
    expect((await h.store.get<Pod>('Pod', NS, 'midway'))?.status?.phase).toBe('Running');
    const next = new HostRuntime(h.store, { home: h.home });
    await next.start();
    try {
      const done = await waitForPod(h, 'midway', (p) => p.status?.phase === 'Succeeded');
      expect((await taskResult(h, done))?.outputs?.result).toBe('finished');
    } finally {
      await next.stop();
    }
  });
});
