// The embedded store's costs that must stay proportional, each a ratio measured in this run:
// 1. a workflow update against the workflow's size: ms per MB of a 5,000-node workflow over that
//    of a 500-node one (target about 1: cost in proportion to the bytes written);
// 1b. a controller's pass write (handed over, the store wrote the workflow's previous version)
//    against a plain update of the same workflow (lower is better);
// 2. the same write with a long change log behind it (10,000 writes and as many deletions)
//    against a fresh store (target under 1.5x: write cost does not grow with the log);
// 2b. a pod's writes (create, two status patches, delete: what a step costs the store) and a
//    controller's pass write of a 200-node workflow, each with the embedded engine's watchers in
//    this process (controller and host-runtime pod informers, the controller's read-only and the
//    cron controller's label-selected workflow informers) against the same writes with no watcher:
//    the CPU ms a write costs, the CPU ms each delivered event adds, and both as multiples of one
//    JSON.parse + JSON.stringify of the same object (the least a write and an event could cost);
// 3. a page of the Argo Server's workflow list (listOptions.limit=50) from 10,000 workflows
//    against 200 (target under 2x: selected and ordered in SQL, only the page parsed); the old
//    way, every workflow listed and parsed, is printed beside it.
// Run after `npm run build`: node bench/store.js [watch] [--baseline <other dist/>]
// (watch: case 2b only; --baseline: case 2b also for the store built in that dist, e.g. a copy of
// main's, in the same rounds, and the ratio of the two)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { openStore } = await import('../dist/store/index.js');
const { values: flags, positionals } = parseArgs({
  options: { baseline: { type: 'string' } },
  allowPositionals: true,
});
const baselineOpen = flags.baseline
  ? (await import(pathToFileURL(path.resolve(flags.baseline, 'store/index.js')).href)).openStore
  : undefined;
const NAMESPACE = 'default';
const homes = [];

function tempStore(open = openStore) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-store-'));
  homes.push(home);
  return open({ path: path.join(home, 'argo.db') });
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function workflow(name, nodes, extra = {}) {
  const status = {
    phase: 'Running',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, nodes)).toISOString(),
    nodes: {},
  };
  for (let i = 0; i < nodes; i++) {
    const id = `${name}-${1000000 + i}`;
    status.nodes[id] = {
      id,
      name: `${name}[0].t(${i})`,
      displayName: `t(${i})`,
      type: 'Pod',
      templateName: 'noop',
      templateScope: 'local/',
      phase: 'Succeeded',
      boundaryID: name,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      progress: '1/1',
      resourcesDuration: { cpu: 0, memory: 0 },
      hostNodeName: 'localhost',
      outputs: { exitCode: '0' },
    };
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: NAMESPACE, labels: { 'workflows.argoproj.io/phase': 'Running' } },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'noop', container: { image: 'busybox', command: ['true'] } }],
    },
    status,
    ...extra,
  };
}

/** A store holding one workflow of `nodes` nodes, and the step that updates it once. */
async function updateCase(nodes) {
  const store = tempStore();
  let wf = await store.create('Workflow', workflow(`w${nodes}`, nodes));
  const mb = JSON.stringify(wf).length / 1024 / 1024;
  let pass = 0;
  return {
    store,
    mb,
    step: async () => {
      wf.status.message = `pass ${pass++}`;
      wf = await store.update('Workflow', wf);
    },
  };
}

/**
 * A controller's pass over a workflow of `nodes` nodes: one node changes phase and the workflow is
 * written again, handed over (as the controller writes it) or as a plain update (the store reads,
 * parses and compares the stored workflow to find what changed).
 */
async function passCase(nodes, handOver) {
  const store = tempStore();
  let wf = await store.create('Workflow', workflow(`w${nodes}`, nodes));
  wf = await store.update('Workflow', wf, { handOver });
  const ids = Object.keys(wf.status.nodes);
  const phases = { Succeeded: 'Running', Running: 'Pending', Pending: 'Succeeded' };
  let i = 0;
  return {
    store,
    step: async () => {
      const node = wf.status.nodes[ids[i++ % ids.length]];
      node.phase = phases[node.phase];
      wf = await store.update('Workflow', wf, { handOver });
    },
  };
}

/** A store with `history` pod creations and deletions behind it, and a step of typical writes. */
async function writeCase(history) {
  const store = tempStore();
  let wf = await store.create('Workflow', workflow('w', 500));
  for (let i = 0; i < history; i++) {
    await store.create('Pod', {
      metadata: { name: `h${i}`, namespace: NAMESPACE, labels: { a: 'b' } },
      status: {},
    });
    await store.delete('Pod', NAMESPACE, `h${i}`);
  }
  let i = 0;
  return {
    store,
    step: async () => {
      const name = `p${i++}`;
      await store.create('Pod', { metadata: { name, namespace: NAMESPACE }, status: {} });
      await store.patch('Pod', NAMESPACE, name, { status: { phase: 'Succeeded' } });
      await store.delete('Pod', NAMESPACE, name);
      wf.status.message = `pass ${i}`;
      wf = await store.update('Workflow', wf);
    },
  };
}

/** One pod's life through the store: what a step's pod costs it (4 writes). */
function podCase(store) {
  let i = 0;
  return {
    store,
    writes: 4,
    step: async () => {
      const name = `pod-${i++}`;
      await store.create('Pod', podObject(name));
      await store.patch('Pod', NAMESPACE, name, { status: { phase: 'Running' } });
      await store.patch('Pod', NAMESPACE, name, { status: { phase: 'Succeeded' } });
      await store.delete('Pod', NAMESPACE, name);
    },
  };
}

function podObject(name) {
  const env = [];
  for (let e = 0; e < 12; e++) env.push({ name: `ARGO_VAR_${e}`, value: `value-${e}-${'x'.repeat(40)}` });
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { 'workflows.argoproj.io/workflow': 'w', 'workflows.argoproj.io/completed': 'false' },
      annotations: { 'workflows.argoproj.io/node-id': name, 'workflows.argoproj.io/node-name': `w.${name}` },
    },
    spec: {
      restartPolicy: 'Never',
      containers: ['init', 'wait', 'main'].map((c) => ({
        name: c,
        image: 'busybox',
        command: ['true'],
        env,
      })),
    },
    status: { phase: 'Pending' },
  };
}

/** A controller's pass over a 200-node workflow: one node's phase changes, handed over. */
async function workflowPassCase(store) {
  let wf = await store.create('Workflow', workflow('wp', 200));
  wf = await store.update('Workflow', wf, { handOver: true });
  const ids = Object.keys(wf.status.nodes);
  const phases = { Succeeded: 'Running', Running: 'Pending', Pending: 'Succeeded' };
  let i = 0;
  return {
    store,
    writes: 1,
    step: async () => {
      const node = wf.status.nodes[ids[i++ % ids.length]];
      node.phase = phases[node.phase];
      wf = await store.update('Workflow', wf, { handOver: true });
    },
  };
}

/** The embedded engine's watches (see 2b); counts the events they are given. */
function engineWatchers(store) {
  const counter = { events: 0 };
  const count = () => counter.events++;
  store.watch('Pod', { namespace: NAMESPACE }, count);
  store.watch('Pod', {}, count);
  store.watch('Workflow', { namespace: NAMESPACE, readOnly: true }, count);
  store.watch(
    'Workflow',
    { namespace: NAMESPACE, labelSelector: 'workflows.argoproj.io/cron-workflow' },
    count,
  );
  return counter;
}

/** CPU ms of one JSON.parse + JSON.stringify of `obj`, the floor a write or an event is compared with. */
function jsonRoundTripMs(obj) {
  const text = JSON.stringify(obj);
  const rounds = 2000;
  const start = cpuMs();
  for (let r = 0; r < rounds; r++) JSON.stringify(JSON.parse(text));
  return (cpuMs() - start) / rounds;
}

/**
 * Case 2b for each store build (this one, and the baseline's when given), all in the same rounds:
 * per build, the same writes on a store without watches and on one with the engine's watches.
 */
async function watchCost(label, make, floorMs) {
  const builds = [['this build', openStore]];
  if (baselineOpen) builds.push(['baseline', baselineOpen]);
  const cases = [];
  const counters = [];
  for (const [, open] of builds) {
    const watched = tempStore(open);
    counters.push(engineWatchers(watched));
    cases.push(await make(tempStore(open)), await make(watched));
  }
  await new Promise((r) => setTimeout(r, 20)); // the watches join on a microtask; let them list
  const before = counters.map((c) => c.events);
  const stepsPerRound = 20;
  const rounds = 15;
  // CPU time: on a shared machine the wall time of a sub-millisecond write is mostly other work.
  const ms = await compare(cases, rounds, stepsPerRound, cpuMs);
  const writes = cases[0].writes;
  const perEvent = [];
  for (const [b, [name]] of builds.entries()) {
    const events = (counters[b].events - before[b]) / (rounds * stepsPerRound);
    const [bareMs, watchedMs] = [ms[2 * b], ms[2 * b + 1]];
    const perWrite = bareMs / writes;
    perEvent.push(events > 0 ? (watchedMs - bareMs) / events : 0);
    console.log(
      `${label} (${name}): ${perWrite.toFixed(3)} CPU ms a write unwatched (${(perWrite / floorMs).toFixed(1)}x a JSON ` +
        `round trip of the object), ${(watchedMs / writes).toFixed(3)} ms watched, ${perEvent[b].toFixed(3)} ms per ` +
        `delivered event (${(perEvent[b] / floorMs).toFixed(2)}x; ${(events / writes).toFixed(1)} events a write)`,
    );
  }
  if (baselineOpen) {
    console.log(
      `${label}: this build / baseline = ${(ms[0] / ms[2]).toFixed(2)}x unwatched, ${(ms[1] / ms[3]).toFixed(2)}x watched`,
    );
  }
}

/** A store of `count` workflows of 40 nodes each, and the step that reads the first page. */
async function pageCase(count) {
  const store = tempStore();
  for (let i = 0; i < count; i++)
    await store.create('Workflow', workflow(`w${String(i).padStart(6, '0')}`, 40));
  const query = {
    namespace: NAMESPACE,
    namespaceNotEquals: false,
    name: '',
    nameFilter: '',
    offset: 0,
    limit: 50,
    countRemaining: false,
  };
  return { store, step: () => store.pageWorkflows(query) };
}

/**
 * Median ms of each case's step, the cases taking turns round after round so that machine noise
 * hits them alike.
 */
async function compare(cases, rounds, stepsPerRound, clock = wallMs) {
  const ms = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, c] of cases.entries()) {
      const start = clock();
      for (let i = 0; i < stepsPerRound; i++) await c.step();
      ms[k].push((clock() - start) / stepsPerRound);
    }
  }
  for (const c of cases) await c.store.close();
  return ms.map(median);
}

function wallMs() {
  return performance.now();
}

/** This process's CPU time: waits on the disk (a checkpoint's fsync) and on other processes left out. */
function cpuMs() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const onlyWatch = positionals[0] === 'watch';
try {
  await watchCost('pod writes', podCase, jsonRoundTripMs(podObject('pod-0')));
  await watchCost('workflow pass writes (200 nodes)', workflowPassCase, jsonRoundTripMs(workflow('wp', 200)));
  if (!onlyWatch) await otherCases();
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}

async function otherCases() {
  const small = await updateCase(500);
  const large = await updateCase(5000);
  const [smallMs, largeMs] = await compare([small, large], 9, 3);
  console.log(
    `store update: ${smallMs.toFixed(2)} ms for ${small.mb.toFixed(2)} MB (500 nodes), ${largeMs.toFixed(2)} ms for ` +
      `${large.mb.toFixed(2)} MB (5,000 nodes): ${(largeMs / large.mb / (smallMs / small.mb)).toFixed(2)}x the cost per MB (target about 1)`,
  );
  const [plainMs, handedMs] = await compare([await passCase(5000, false), await passCase(5000, true)], 9, 3);
  console.log(
    `a controller's pass write of the 5,000-node workflow (one node changed): ${handedMs.toFixed(2)} ms handed over ` +
      `vs ${plainMs.toFixed(2)} ms as a plain update = ${(handedMs / plainMs).toFixed(2)}x (the store compares the status ` +
      `as text with what it wrote last, instead of reading and parsing the stored workflow)`,
  );
  const [fresh, long] = await compare([await writeCase(0), await writeCase(10_000)], 9, 20);
  console.log(
    `store writes with 20,000 writes of log behind them: ${long.toFixed(2)} ms vs ${fresh.toFixed(2)} ms fresh = ` +
      `${(long / fresh).toFixed(2)}x (target under 1.5x)`,
  );
  const few = await pageCase(200);
  const many = await pageCase(10_000);
  const [fewMs, manyMs] = await compare([few, many], 9, 5);
  const reopened = openStore({ path: many.store.path });
  const start = performance.now();
  await reopened.list('Workflow', { namespace: NAMESPACE });
  const allMs = performance.now() - start;
  await reopened.close();
  console.log(
    `workflow list page (limit 50): ${manyMs.toFixed(2)} ms from 10,000 workflows vs ${fewMs.toFixed(2)} ms from 200 = ` +
      `${(manyMs / fewMs).toFixed(2)}x (target under 2x); listing and parsing all 10,000 (the old way): ${allMs.toFixed(0)} ms`,
  );
}
