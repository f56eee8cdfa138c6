// What the host runtime costs per container, without the controller: pods of one `true`
// container created straight in a store and run by a HostRuntime to Succeeded, against spawning
// `true` bare from Node, with the same parallelism, in interleaved rounds of this run (so a busy
// machine skews both sides alike). Prints, per isolation mode, ms per pod (wall), the runtime
// process's CPU per pod, and the ratio to bare.
// Run after `npm run build`: node bench/pod-cost.js [--pods 100] [--parallelism 4] [--rounds 3]
//   [--modes auto,none]  (modes: auto none helper helper-user unshare unshare-user)
//   [--baseline OTHER/dist]  (also runs another build's runtime, e.g. main's, in the same rounds)
// (where a pod's time goes: ARGO_TS_TRACE_STEPS=1 node bench/pod-cost.js --rounds 1 2>trace.txt)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '100' },
    parallelism: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'auto,none' },
    baseline: { type: 'string' },
  },
});
const PODS = Number(values.pods);
const PARALLELISM = Number(values.parallelism);
const ROUNDS = Number(values.rounds);
const MODES = values.modes.split(',');
const NS = 'default';

const builds = [{ name: '', dist: new URL('../dist/', import.meta.url) }];
if (values.baseline)
  builds.unshift({ name: 'baseline ', dist: pathToFileURL(`${path.resolve(values.baseline)}/`) });
for (const b of builds) {
  b.openStore = (await import(new URL('store/index.js', b.dist).href)).openStore;
  b.HostRuntime = (await import(new URL('executor/index.js', b.dist).href)).HostRuntime;
}

/** The pod the controller makes for `container: {command: [true]}` (Argo's pod contract, trimmed). */
function pod(name) {
  const tmpl = { name: 'noop', container: { image: 'busybox', command: ['true'] } };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      labels: { 'workflows.argoproj.io/workflow': 'bench', 'workflows.argoproj.io/completed': 'false' },
      annotations: {
        'workflows.argoproj.io/node-id': `bench-${name}`,
        'workflows.argoproj.io/node-name': name,
      },
    },
    spec: {
      restartPolicy: 'Never',
      containers: [
        {
          name: 'main',
          image: 'busybox',
          command: ['true'],
          env: [
            { name: 'ARGO_POD_NAME', value: name },
            { name: 'ARGO_NODE_ID', value: `bench-${name}` },
            { name: 'ARGO_WORKFLOW_NAME', value: 'bench' },
            { name: 'ARGO_WORKFLOW_UID', value: 'bench-uid' },
            { name: 'ARGO_CONTAINER_NAME', value: 'main' },
            { name: 'ARGO_TEMPLATE', value: JSON.stringify(tmpl) },
            { name: 'ARGO_INCLUDE_SCRIPT_OUTPUT', value: 'false' },
          ],
        },
      ],
    },
  };
}

/** Runs `count` calls of `one`, `PARALLELISM` at a time; wall ms and this process's CPU ms, per call. */
async function timed(count, one) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: PARALLELISM }, async () => {
      while (next < count) await one(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { wall: (performance.now() - start) / count, cpu: (used.user + used.system) / 1000 / count };
}

function bare() {
  return new Promise((resolve, reject) => {
    const child = spawn('true', [], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`true exited ${code}`))));
  });
}

async function startMode(build, isolation) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-pod-'));
  const store = build.openStore({ path: path.join(home, 'argo.db') });
  const runtime = new build.HostRuntime(store, { home, isolation });
  await runtime.start();
  const waiting = new Map();
  const watch = store.watch('Pod', { namespace: NS }, (ev) => {
    const phase = ev.object.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') waiting.get(ev.object.metadata.name)?.(phase);
  });
  let n = 0;
  const run = () =>
    new Promise((resolve, reject) => {
      const name = `p${n++}`;
      waiting.set(name, (phase) => {
        waiting.delete(name);
        if (phase === 'Succeeded') resolve();
        else reject(new Error(`${name} ${phase}`));
      });
      store.create('Pod', pod(name)).catch(reject);
    });
  const mode = runtime.isolation;
  const label =
    build.name +
    (mode.kind === 'none'
      ? 'none'
      : `${mode.kind}${mode.user ? ' (user ns)' : ' (root)'}${mode.overlay ? ' + overlay root' : ''}`);
  return {
    label,
    run,
    close: async () => {
      watch.stop();
      await runtime.stop();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// The runtime's timers do not hold the process open; this does.
const keepAlive = setInterval(() => undefined, 1000);
const modes = [];
for (const m of MODES) for (const b of builds) modes.push(await startMode(b, m));
try {
  // Warm-up: compiled helpers, caches, the store's first writes.
  await timed(20, bare);
  for (const m of modes) await timed(10, m.run);
  const base = [];
  const samples = modes.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    base.push(await timed(PODS, bare));
    for (const [i, m] of modes.entries()) samples[i].push(await timed(PODS, m.run));
  }
  console.log(
    `${PODS} pods of \`true\` per round, ${PARALLELISM} at a time, median of ${ROUNDS} interleaved rounds; ` +
      `bare spawn ${median(base.map((s) => s.wall)).toFixed(2)} ms per process`,
  );
  for (const [i, m] of modes.entries()) {
    const ratios = samples[i].map((s, r) => s.wall / base[r].wall);
    console.log(
      `${m.label.padEnd(39)} ${median(samples[i].map((s) => s.wall)).toFixed(2)} ms per pod wall, ` +
        `${median(samples[i].map((s) => s.cpu)).toFixed(2)} ms runtime CPU per pod; ` +
        `${median(ratios).toFixed(1)}x bare (rounds: ${ratios.map((x) => x.toFixed(1)).join(' ')})`,
    );
  }
} finally {
  for (const m of modes) await m.close();
  clearInterval(keepAlive);
}
