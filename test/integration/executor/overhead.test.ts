// Measures what the host runtime adds per container: runs of `true`, two at a time, as bare
// process spawns and as pods through the runtime (memory store, each isolation mode), in
// interleaved rounds so a busy machine skews both sides alike. Timing depends on the machine,
// so this runs only on request: ARGO_MEASURE=1 (ARGO_MEASURE_RUNS, ARGO_MEASURE_ROUNDS).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { IsolationPreference } from '../../../src/executor/index.js';
import type { Pod } from '../../../src/model/pod.js';
import { podFor, startHarness, type Harness } from './harness.js';

const RUNS = Number(process.env.ARGO_MEASURE_RUNS ?? 200);
const ROUNDS = Number(process.env.ARGO_MEASURE_ROUNDS ?? 5);
const PARALLEL = 2;

interface Sample {
  /** Wall time per run, ms. */
  wall: number;
  /** CPU time of this process (main thread and thread pool) per run, ms. */
  cpu: number;
}

async function sample(run: () => Promise<void>): Promise<Sample> {
  let left = RUNS;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (left-- > 0) await run();
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - started) / RUNS, cpu: (used.user + used.system) / 1000 / RUNS };
}

function bare(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

/** A function that runs one `true` pod through the runtime and resolves when it has succeeded. */
function podRunner(h: Harness): () => Promise<void> {
  const waiting = new Map<string, (phase: string) => void>();
  h.store.watch<Pod>('Pod', {}, (e) => {
    const phase = e.object.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') waiting.get(e.object.metadata.name!)?.(phase);
  });
  let n = 0;
  return () =>
    new Promise<void>((resolve, reject) => {
      const name = `p-${n++}`;
      waiting.set(name, (phase) =>
        phase === 'Succeeded' ? resolve() : reject(new Error(`${name} ${phase}`)),
      );
      h.store
        .create('Pod', podFor(name, { name: 't', container: { image: 'alpine', command: ['true'] } }))
        .catch(reject);
    });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe.runIf(process.env.ARGO_MEASURE === '1')('host runtime overhead', () => {
  it('prints per-container cost against bare spawning', async () => {
    const modes: IsolationPreference[] = ['auto', 'unshare', 'helper-user', 'none'];
    const harnesses = await Promise.all(modes.map((isolation) => startHarness({ isolation })));
    try {
      const runners = harnesses.map(podRunner);
      for (const r of runners) for (let i = 0; i < 5; i++) await r();
      for (let i = 0; i < 20; i++) await bare();
      const base: Sample[] = [];
      const pods: Sample[][] = modes.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        base.push(await sample(bare));
        for (const [i, r] of runners.entries()) pods[i].push(await sample(r));
      }
      const rows = [
        `${RUNS} runs of true, ${PARALLEL} at a time, median of ${ROUNDS} interleaved rounds`,
        `bare spawn: ${median(base.map((s) => s.wall)).toFixed(2)} ms wall, ${median(base.map((s) => s.cpu)).toFixed(2)} ms cpu per process`,
      ];
      for (const [i, h] of harnesses.entries()) {
        const mode = h.runtime.isolation!;
        const name =
          mode.kind === 'none' ? 'none' : `${mode.kind}${mode.user ? ' in a user namespace' : ' as root'}`;
        const ratios = pods[i].map((s, r) => s.wall / base[r].wall);
        rows.push(
          `runtime, ${name}: ${median(pods[i].map((s) => s.wall)).toFixed(2)} ms wall, ${median(pods[i].map((s) => s.cpu)).toFixed(2)} ms cpu per pod; ` +
            `${median(ratios).toFixed(2)}x bare (rounds: ${ratios.map((x) => x.toFixed(2)).join(' ')})`,
        );
      }
      console.log(rows.join('\n'));
      expect(base.length).toBe(ROUNDS);
    } finally {
      await Promise.all(harnesses.map((h) => h.close()));
    }
  }, 600_000);
});
