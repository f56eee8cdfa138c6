// Container logs: kubelet-style timestamped lines written by the host runtime, read back (and
// followed) with readPodLogs as `argo logs` does.
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPodLogs, type LogLine, type ReadPodLogsOptions } from '../../../src/executor/index.js';
import { containerLogDonePath, containerLogPath } from '../../../src/executor/paths.js';
import type { Pod } from '../../../src/model/pod.js';
import type { WatchEvent } from '../../../src/store/types.js';
import { NS, podFor, runPod, startHarness, type Harness } from './harness.js';

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function collect(pod: string, opts: ReadPodLogsOptions = {}, container = 'main'): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  for await (const line of readPodLogs(h.home, NS, pod, container, opts)) lines.push(line);
  return lines;
}

describe('container logs', () => {
  it('writes one timestamped line per output line, stdout and stderr, the last partial line too', async () => {
    const script = 'echo one; sleep 0.1; echo two >&2; sleep 0.1; printf "three\\nfour"';
    await runPod(
      h,
      podFor('lines', { name: 'l', container: { image: 'alpine', command: ['sh', '-c', script] } }),
    );
    const raw = readFileSync(path.join(h.home, 'logs', NS, 'lines', 'main.log'), 'utf8');
    expect(raw.endsWith('four\n')).toBe(true);
    const lines = await collect('lines');
    // stdout and stderr are separate pipes: only output apart in time is ordered across them.
    expect(lines.map((l) => l.content)).toEqual(['one', 'two', 'three', 'four']);
    for (const l of lines) expect(l.time).toMatch(RFC3339_NANO);
    const times = lines.map((l) => l.time);
    expect([...times].sort()).toEqual(times);
  });

  it('reports a pod finished only once its logs are whole: every done marker and last line written', async () => {
    // Looked at as the finished status arrives, not a poll later: whoever reads the logs or
    // removes the pod's files on seeing it finished must find nothing still being written.
    const seen: { done: Record<string, boolean>; waitLog: string }[] = [];
    const watch = h.store.watch<Pod>(
      'Pod',
      { fieldSelector: 'metadata.name=whole' },
      (e: WatchEvent<Pod>) => {
        const phase = e.object.status?.phase;
        if (seen.length > 0 || (phase !== 'Succeeded' && phase !== 'Failed')) return;
        const done: Record<string, boolean> = {};
        for (const c of ['init', 'wait', 'main'])
          done[c] = existsSync(containerLogDonePath(h.home, NS, 'whole', c));
        let waitLog = '';
        try {
          waitLog = readFileSync(containerLogPath(h.home, NS, 'whole', 'wait'), 'utf8');
        } catch {
          // Missing: recorded as empty, which the assertion below names.
        }
        seen.push({ done, waitLog });
      },
    );
    try {
      await runPod(
        h,
        podFor('whole', { name: 'w', container: { image: 'alpine', command: ['sh', '-c', 'echo hi'] } }),
      );
    } finally {
      watch.stop();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0].done).toEqual({ init: true, wait: true, main: true });
    expect(seen[0].waitLog).toMatch(/msg="No output artifacts".*\n$/);
  });

  it('applies timestamps, tailLines, sinceTime and grep', async () => {
    await runPod(
      h,
      podFor('opts', {
        name: 'o',
        container: {
          image: 'alpine',
          command: ['sh', '-c', 'echo alpha; echo beta; sleep 0.3; echo gamma; echo delta'],
        },
      }),
    );
    const all = await collect('opts');
    expect(all.map((l) => l.content)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect((await collect('opts', { timestamps: true }))[0].content).toBe(`${all[0].time} alpha`);
    expect((await collect('opts', { tailLines: 2 })).map((l) => l.content)).toEqual(['gamma', 'delta']);
    expect((await collect('opts', { sinceTime: all[2].time })).map((l) => l.content)).toEqual([
      'gamma',
      'delta',
    ]);
    expect((await collect('opts', { grep: 'ta$' })).map((l) => l.content)).toEqual(['beta', 'delta']);
    expect((await collect('opts', { sinceSeconds: 3600 })).length).toBe(4);
    await expect(collect('opts', { grep: '(' })).rejects.toThrow('failed to compile "("');
    expect(await collect('no-such-pod')).toEqual([]);
  });

  it('follows a log from before the container starts until it exits', async () => {
    const reading = collect('followed', { follow: true, pollIntervalMs: 50 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await h.store.create(
      'Pod',
      podFor('followed', {
        name: 'f',
        container: {
          image: 'alpine',
          command: ['sh', '-c', 'echo first; sleep 0.4; echo second; printf third'],
        },
      }),
    );
    const lines = await reading;
    expect(lines.map((l) => l.content)).toEqual(['first', 'second', 'third']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('stops following when aborted', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'argo-logs-'));
    try {
      const dir = path.join(home, 'logs', NS, 'endless');
      mkdirSync(dir, { recursive: true });
      appendFileSync(path.join(dir, 'main.log'), '2026-01-01T00:00:00.000000000Z hello\n');
      const abort = new AbortController();
      const lines: string[] = [];
      const done = (async () => {
        for await (const l of readPodLogs(home, NS, 'endless', 'main', {
          follow: true,
          signal: abort.signal,
          pollIntervalMs: 20,
        })) {
          lines.push(l.content);
          appendFileSync(path.join(dir, 'main.log'), '2026-01-01T00:00:01.000000000Z more\n');
          if (lines.length === 3) abort.abort();
        }
      })();
      await done;
      expect(lines).toEqual(['hello', 'more', 'more']);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
