// `argo logs` and `argo watch` as they write to stdout, over a client that replays events.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ArgoClient, LogEntry, WatchEvent } from '../../../src/client/types.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { logWorkflow, waitOne, watchWorkflow } from '../../../src/cli/follow.js';

const here = new URL('.', import.meta.url).pathname;
const fixture = <T>(name: string): T => JSON.parse(readFileSync(`${here}fixtures/${name}`, 'utf8')) as T;
const golden = (name: string): string => readFileSync(`${here}golden/${name}`, 'utf8');
/** Compares with a golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
function expectGolden(name: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN) writeFileSync(`${here}golden/${name}`, actual);
  expect(actual).toBe(golden(name));
}

async function* replay<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

function clientOf(parts: { logs?: LogEntry[]; events?: WatchEvent<Workflow>[] }): ArgoClient {
  return {
    workflowLogs: () => replay(parts.logs ?? []),
    watchWorkflows: () => replay(parts.events ?? []),
  } as unknown as ArgoClient;
}

let written = '';
let isTTY: boolean | undefined;
const savedEnv = { ...process.env };
beforeEach(() => {
  written = '';
  isTTY = process.stdout.isTTY;
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  delete process.env.NO_COLOR;
  delete process.env.FORCE_COLOR;
  process.env.TZ = 'UTC';
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  process.stdout.isTTY = isTTY as boolean;
  process.env = { ...savedEnv };
});

const logs: LogEntry[] = [
  { podName: 'steps-x7k2p-say-1', content: 'hello from the first step' },
  { podName: 'steps-x7k2p-say-2', content: 'hello from the second step' },
  { podName: 'steps-x7k2p-say-1', content: 'and goodbye' },
];

describe('argo logs', () => {
  it('prefixes each line with its pod, plainly when piped', async () => {
    process.stdout.isTTY = false as never;
    await logWorkflow(clientOf({ logs }), 'argo', 'steps-x7k2p', {});
    expectGolden('logs-piped.txt', written);
  });

  it('colours each pod in a colour of its own on a terminal, the same on every line', async () => {
    process.stdout.isTTY = true;
    await logWorkflow(clientOf({ logs }), 'argo', 'steps-x7k2p', {});
    expectGolden('logs-color.txt', written);
    const colorOf = (line: string): string => line.slice(0, line.indexOf('m') + 1);
    const [a, b, c] = written.split('\n');
    expect(colorOf(a)).toBe(colorOf(c));
    expect(colorOf(a)).not.toBe(colorOf(b));
  });

  it('--no-color and NO_COLOR turn colours off on a terminal', async () => {
    process.stdout.isTTY = true;
    await logWorkflow(clientOf({ logs }), 'argo', 'steps-x7k2p', { noColor: true });
    process.env.NO_COLOR = '1';
    await logWorkflow(clientOf({ logs }), 'argo', 'steps-x7k2p', {});
    expect(written).toBe(golden('logs-piped.txt').repeat(2));
  });
});

describe('argo watch, piped', () => {
  it('prints each new state once, separated by a blank line, until the workflow finishes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:20Z'));
    process.stdout.isTTY = false as never;
    const done = fixture<Workflow>('hello-world.json');
    const running: Workflow = structuredClone(done);
    running.status = {
      ...running.status,
      phase: 'Running',
      finishedAt: undefined,
      progress: '0/1',
      conditions: [{ type: 'PodRunning', status: 'True' }],
      nodes: {
        'hello-world-x7k2p': {
          ...done.status!.nodes!['hello-world-x7k2p'],
          phase: 'Running',
          finishedAt: undefined,
          outputs: undefined,
        },
      },
    };
    const after: Workflow = structuredClone(done);
    const events: WatchEvent<Workflow>[] = [
      { type: 'ADDED', object: running },
      { type: 'MODIFIED', object: structuredClone(running) },
      { type: 'MODIFIED', object: done },
      { type: 'MODIFIED', object: after },
    ];
    await watchWorkflow(clientOf({ events }), 'argo', 'hello-world-x7k2p', {});
    expect(written).not.toContain('\x1b[');
    expectGolden('watch-piped.txt', written);
  });
});

describe('a workflow deleted right after it finished (its TTL)', () => {
  // The watch may bring only the deletion, whose object is the last state: that is the final one.
  const running = (): Workflow => {
    const wf = fixture<Workflow>('hello-world.json');
    wf.status = { ...wf.status, phase: 'Running', finishedAt: undefined };
    return wf;
  };

  it('argo wait reports the final state a deletion carries, as upstream', async () => {
    process.env.TZ = 'UTC';
    const done = fixture<Workflow>('hello-world.json');
    const events: WatchEvent<Workflow>[] = [
      { type: 'ADDED', object: running() },
      { type: 'DELETED', object: done },
    ];
    const ok = await waitOne(clientOf({ events }), 'argo', 'hello-world-x7k2p', {});
    expect(ok).toBe(true);
    expect(written).toMatch(/^hello-world-x7k2p Succeeded at \S+ \S+ \+0000 UTC\n$/);
  });

  it('argo wait still fails on a workflow deleted before it finished, unless --ignore-not-found', async () => {
    const events = (): WatchEvent<Workflow>[] => [{ type: 'DELETED', object: running() }];
    expect(await waitOne(clientOf({ events: events() }), 'argo', 'hello-world-x7k2p', {})).toBe(false);
    expect(
      await waitOne(clientOf({ events: events() }), 'argo', 'hello-world-x7k2p', { ignoreNotFound: true }),
    ).toBe(true);
    expect(written).toBe('');
  });

  it('argo watch draws the final state a deletion carries', async () => {
    process.stdout.isTTY = false as never;
    const done = fixture<Workflow>('hello-world.json');
    await watchWorkflow(
      clientOf({ events: [{ type: 'DELETED', object: done }] }),
      'argo',
      'hello-world-x7k2p',
      {},
    );
    expect(written).toMatch(/^Status:\s+Succeeded$/m);
  });
});
