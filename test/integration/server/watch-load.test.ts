// Many watchers of one very large workflow must not multiply it in `argo server`'s memory or CPU.
// The store holds a workflow with ~40 MB of node status (over the 16 MiB the frame cache keeps);
// watchers stream its events while another process updates it, as the controller would. Two of the
// watchers stop reading for a while, as a client on a slow link would. The server (its own process,
// loopback only) must parse and serialise each state once for everyone, hold a slow watcher back
// instead of queueing messages for it, stay up, and keep its peak resident memory under a bound.
// Needs `npm run build` first, as the e2e tests do.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http, { type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { until } from '../../helpers/until.js';
import {
  cpuSeconds,
  finished,
  largeNodes,
  peakRssMb,
  startServer,
  stopServer,
  type ServerProcess,
} from './server-process.js';

/**
 * The bound on the server's peak RSS while ten clients watch a 40 MB workflow through four updates.
 * Measured 1.2 GiB (server CPU 12 s) on a loaded 2-core machine, with one parse and one serialisation
 * per state. Before, every watcher parsed and serialised each state itself and a slow watcher's
 * messages queued in memory: the first message had not reached the eight reading watchers after 60 s.
 */
const MAX_RSS_MB = Number(process.env.ARGO_WATCH_LOAD_MAX_RSS_MB ?? 2048);
const WATCHERS = 10;
const SLOW = 2;
const UPDATES = 4;

let home: string;
let server: ServerProcess;
let store: SqliteStore;
let watchers: WatchReader[] = [];
const waitFor = (cond: () => boolean, timeoutMs: number, what: string): Promise<true> =>
  until(what, timeoutMs, () => cond() || undefined, 20);

/** Counts a watch stream's messages and the resourceVersion each one carries, without parsing it. */
class WatchReader {
  versions: string[] = [];
  private head = '';

  constructor(readonly body: Readable) {}

  /** Reads until the stream ends or is destroyed. */
  async readAll(): Promise<void> {
    try {
      for await (const chunk of this.body) this.feed(chunk as Buffer);
    } catch {
      // Destroyed at the end of the test.
    }
  }

  private feed(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      // A message's metadata (and so its resourceVersion) is in its first few KB.
      if (this.head.length < 4096)
        this.head += chunk
          .subarray(start, nl < 0 ? chunk.length : nl)
          .toString('latin1')
          .slice(0, 4096);
      if (nl < 0) return;
      this.versions.push(/"resourceVersion":"(\d+)"/.exec(this.head)?.[1] ?? '?');
      this.head = '';
      start = nl + 1;
    }
  }
}

async function openWatch(): Promise<WatchReader> {
  const res = await new Promise<IncomingMessage>((resolve, reject) =>
    http
      .get(
        `${server.url}/api/v1/workflow-events/default?listOptions.fieldSelector=metadata.name=huge`,
        resolve,
      )
      .on('error', reject),
  );
  expect(res.statusCode).toBe(200);
  return new WatchReader(res);
}

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'argo-watch-load-'));
  store = openSqliteStore({ path: path.join(home, 'argo.db') });
  await store.create(
    'Workflow',
    finished('huge', {
      status: { nodes: largeNodes('huge', 40_000) } as Workflow['status'],
    }),
  );
  server = await startServer(home);
}, 120_000);

afterAll(async () => {
  for (const w of watchers) w.body.destroy();
  await stopServer(server);
  await store?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(`argo server with ${WATCHERS} watchers of a 40 MB workflow`, () => {
  it(`sends each its latest state and stays under ${MAX_RSS_MB} MiB`, async () => {
    const pid = server.child.pid!;
    const cpuBefore = cpuSeconds(pid);
    watchers = await Promise.all(Array.from({ length: WATCHERS }, () => openWatch()));
    const [slow, fast] = [watchers.slice(0, SLOW), watchers.slice(SLOW)];
    // The slow ones read nothing until the updates are done.
    for (const w of slow) w.body.pause();
    const reading = fast.map((w) => w.readAll());
    await waitFor(() => fast.every((w) => w.versions.length >= 1), 60_000, 'the ADDED on every fast watch');

    const patched: string[] = [];
    let last = '';
    for (let i = 0; i < UPDATES; i++) {
      const wf = await store.patch<Workflow>('Workflow', 'default', 'huge', {
        metadata: { labels: { round: String(i) } },
      });
      last = wf.metadata.resourceVersion!;
      patched.push(last);
      // As a controller's writes come apart in time, so each is its own event.
      await waitFor(
        () => fast.every((w) => w.versions.at(-1) === last),
        60_000,
        `round ${i} (${last}) on every fast watch: ${JSON.stringify(fast.map((w) => w.versions))}`,
      );
    }
    // Each update reached every watcher that reads (the embedded controller may have written too).
    for (const w of fast) expect(w.versions).toEqual(expect.arrayContaining(patched));

    // The slow watchers now read: what the server kept for them is the first message and the latest
    // state, not every state they missed.
    reading.push(...slow.map((w) => w.readAll()));
    await waitFor(
      () => slow.every((w) => w.versions.at(-1) === last),
      60_000,
      'the latest state on the slow watches',
    );
    for (const w of slow) expect(w.versions.length).toBeLessThanOrEqual(3);

    expect(server.child.exitCode).toBe(null);
    const peak = peakRssMb(pid);
    const cpu = cpuSeconds(pid) - cpuBefore;
    console.log(
      `${WATCHERS} watchers (${SLOW} slow), ${UPDATES} updates of a 40 MB workflow: server peak RSS ` +
        `${peak.toFixed(0)} MiB, CPU ${cpu.toFixed(1)} s; slow watchers got ${slow.map((w) => w.versions.length).join(', ')} messages`,
    );
    expect(peak).toBeLessThan(MAX_RSS_MB);
    for (const w of watchers) w.body.destroy();
    await Promise.all(reading);
  }, 300_000);
});
