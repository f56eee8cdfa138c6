// Containers outlive the runtime that started them: a runtime that lets its pods go (as the engine
// does when it stops) leaves their containers running under their shims, and the next runtime
// adopts them as they are: not killed, not started again, their results recorded even when they
// ended while no runtime watched. A pod deleted while no runtime ran has its containers killed
// when the next one starts. (A real kill -9 of the controller: test/faults, `npm run test:faults`.)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostRuntime } from '../../../src/executor/index.js';
import type { Pod } from '../../../src/model/pod.js';
import { processRunning as running } from '../../helpers/process-state.js';
import { fileLines as lines, until } from '../../helpers/until.js';
import { NS, podFor, startHarness, taskResult, terminated, waitForPod, type Harness } from './harness.js';

let harnesses: Harness[] = [];
let runtimes: HostRuntime[] = [];
let dirs: string[] = [];
afterEach(async () => {
  for (const r of runtimes) await r.stop();
  for (const h of harnesses) await h.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  harnesses = [];
  runtimes = [];
  dirs = [];
});

/** A host folder containers see as it is (not under /tmp, which each container has its own of). */
function markDir(): string {
  const d = mkdtempSync('/var/tmp/argo-adopt-');
  dirs.push(d);
  return d;
}

/** The shim's state folder of the pod's main container, first start. */
const shimDir = (h: Harness, pod: string) => path.join(h.home, 'host', 'runs', NS, pod, 'main-1');

/** Creates the pod; `shared` is a host folder it sees through a hostPath volume (its other files are its own). */
async function startedPod(h: Harness, name: string, script: string, shared?: string): Promise<void> {
  const volumeMounts = shared ? [{ name: 'shared', mountPath: shared }] : undefined;
  const pod = podFor(
    name,
    { name: 't', container: { image: 'alpine', command: ['sh', '-c', script], volumeMounts } },
    {
      includeScriptOutput: true,
      volumes: shared ? [{ name: 'shared', hostPath: { path: shared } }] : undefined,
    },
  );
  await h.store.create('Pod', pod);
}

async function nextRuntime(h: Harness): Promise<HostRuntime> {
  const next = new HostRuntime(h.store, { home: h.home, gracePeriodSeconds: 1 });
  runtimes.push(next);
  await next.start();
  return next;
}

describe.runIf(process.platform === 'linux')('host runtime adoption', () => {
  it('adopts a running container: it is neither killed nor started again, and its result is recorded', async () => {
    const marks = markDir();
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'adopted', `echo started >> ${marks}/runs; sleep 1; echo finished`, marks);
    await until('the container to start', 10_000, () =>
      lines(`${marks}/runs`).length === 1 ? true : undefined,
    );
    await h.runtime.stop();
    // Let go of, not finished: no final status, and the container still runs.
    expect((await h.store.get<Pod>('Pod', NS, 'adopted'))?.status?.phase ?? 'none').not.toMatch(
      /Succeeded|Failed/,
    );
    const pid = Number(readFileSync(path.join(shimDir(h, 'adopted'), 'pid'), 'utf8').split(' ')[0]);
    expect(running(pid)).toBe(true);
    await nextRuntime(h);
    const done = await waitForPod(h, 'adopted', (p) => p.status?.phase === 'Succeeded');
    expect((await taskResult(h, done))?.outputs?.result).toBe('finished');
    expect(lines(`${marks}/runs`)).toEqual(['started']);
    // Done with: its journal is gone.
    await until('the journal to go', 10_000, () => (existsSync(shimDir(h, 'adopted')) ? undefined : true));
  });

  it('reports a container that ended while no runtime watched, from what its shim recorded', async () => {
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'ended', 'sleep 0.5; echo out-line; echo err-line >&2; exit 3');
    await until('the container to start', 10_000, () =>
      existsSync(path.join(shimDir(h, 'ended'), 'pid')) ? true : undefined,
    );
    await h.runtime.stop();
    await until('its end recorded', 10_000, () =>
      existsSync(path.join(shimDir(h, 'ended'), 'exit')) ? true : undefined,
    );
    await nextRuntime(h);
    const done = await waitForPod(h, 'ended', (p) => p.status?.phase === 'Failed');
    expect(terminated(done, 'main')?.exitCode).toBe(3);
    expect((await taskResult(h, done))?.outputs?.result).toBe('out-line');
    // The log the shim wrote while no runtime ran, in the kubelet's format.
    const log = readFileSync(path.join(h.home, 'logs', NS, 'ended', 'main.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z out-line$/m);
    expect(log).toMatch(/Z err-line$/m);
  });

  it('kills the containers of a pod deleted while no runtime ran, once the next one starts', async () => {
    const h = await startHarness({ detachOnStop: true });
    harnesses.push(h);
    await startedPod(h, 'orphan', 'sleep 300');
    const pidFile = path.join(shimDir(h, 'orphan'), 'pid');
    await until('the container to start', 10_000, () => (existsSync(pidFile) ? true : undefined));
    const pid = Number(readFileSync(pidFile, 'utf8').split(' ')[0]);
    await h.runtime.stop();
    expect(running(pid)).toBe(true);
    await h.store.delete('Pod', NS, 'orphan');
    await nextRuntime(h);
    await until('the orphan to be killed', 10_000, () => (running(pid) ? undefined : true));
    expect(existsSync(path.join(h.home, 'host', 'runs', NS, 'orphan'))).toBe(false);
  });
});
