// The embedded store's costs that must stay proportional, each a ratio measured in this run:
// 1. a workflow update against the workflow's size: ms per MB of a 5,000-node workflow over that
//    of a 500-node one (target about 1: cost in proportion to the bytes written);
// 1b. a controller's pass write (handed over, the store wrote the workflow's previous version)
//    against a plain update of the same workflow (lower is better);
// 2. the same write with a long change log behind it (10,000 writes and as many deletions)
//    against a fresh store (target under 1.5x: write cost does not grow with the log);
// 3. a page of the Argo Server's workflow list (listOptions.limit=50) from 10,000 workflows
//    against 200 (target under 2x: selected and ordered in SQL, only the page parsed); the old
//    way, every workflow listed and parsed, is printed beside it.
// Run after `npm run build`: node bench/store.js
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const { openStore } = await import('../dist/store/index.js');
const NAMESPACE = 'default';
const homes = [];

function tempStore() {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-store-'));
  homes.push(home);
  return openStore({ path: path.join(home, 'argo.db') });
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
async function compare(cases, rounds, stepsPerRound) {
  const ms = cases.map(() => []);
  for (let r = 0; r < rounds; r++) {
    for (const [k, c] of cases.entries()) {
      const start = performance.now();
      for (let i = 0; i < stepsPerRound; i++) await c.step();
      ms[k].push((performance.now() - start) / stepsPerRound);
    }
  }
  for (const c of cases) await c.store.close();
  return ms.map(median);
}

try {
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
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}
