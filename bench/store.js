// The embedded store's costs that must stay proportional, each a ratio measured in this run:
// 1. a workflow update against the workflow's size: ms per MB of a 5,000-node workflow over that
//    of a 500-node one (target about 1: cost in proportion to the bytes written);
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

/** Median ms of `runs` calls of fn. */
async function timed(runs, fn) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    ms.push(performance.now() - start);
  }
  return median(ms);
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

/** ms per MB of one update of a workflow with `nodes` nodes. */
async function updateCostPerMb(nodes) {
  const store = tempStore();
  let wf = await store.create('Workflow', workflow(`w${nodes}`, nodes));
  const mb = JSON.stringify(wf).length / 1024 / 1024;
  const ms = await timed(15, async (i) => {
    wf.status.message = `pass ${i}`;
    wf = await store.update('Workflow', wf);
  });
  await store.close();
  return { ms, mb, perMb: ms / mb };
}

/** ms of a pod create + patch + delete and a 500-node workflow update, with `history` writes behind. */
async function writeCostWithLog(history) {
  const store = tempStore();
  let wf = await store.create('Workflow', workflow('w', 500));
  for (let i = 0; i < history; i++) {
    await store.create('Pod', {
      metadata: { name: `h${i}`, namespace: NAMESPACE, labels: { a: 'b' } },
      status: {},
    });
    await store.delete('Pod', NAMESPACE, `h${i}`);
  }
  const ms = await timed(200, async (i) => {
    await store.create('Pod', { metadata: { name: `p${i}`, namespace: NAMESPACE }, status: {} });
    await store.patch('Pod', NAMESPACE, `p${i}`, { status: { phase: 'Succeeded' } });
    await store.delete('Pod', NAMESPACE, `p${i}`);
    wf.status.message = `pass ${i}`;
    wf = await store.update('Workflow', wf);
  });
  await store.close();
  return ms;
}

/** ms of a 50-workflow page from a store of `count` workflows of 40 nodes each, and of listing them all. */
async function pageLatency(count) {
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
  const page = await timed(21, () => store.pageWorkflows(query));
  const second = await timed(21, () => store.pageWorkflows({ ...query, offset: 50 }));
  const all = await timed(3, () => store.list('Workflow', { namespace: NAMESPACE }));
  await store.close();
  return { page, second, all };
}

try {
  const small = await updateCostPerMb(500);
  const large = await updateCostPerMb(5000);
  console.log(
    `store update: ${small.ms.toFixed(2)} ms for ${small.mb.toFixed(2)} MB (500 nodes), ${large.ms.toFixed(2)} ms for ` +
      `${large.mb.toFixed(2)} MB (5,000 nodes): ${(large.perMb / small.perMb).toFixed(2)}x the cost per MB (target about 1)`,
  );
  const fresh = await writeCostWithLog(0);
  const long = await writeCostWithLog(10_000);
  console.log(
    `store writes with 20,000 writes of log behind them: ${long.toFixed(2)} ms vs ${fresh.toFixed(2)} ms fresh = ` +
      `${(long / fresh).toFixed(2)}x (target under 1.5x)`,
  );
  const few = await pageLatency(200);
  const many = await pageLatency(10_000);
  console.log(
    `workflow list page (limit 50): ${many.page.toFixed(2)} ms from 10,000 workflows vs ${few.page.toFixed(2)} ms from 200 = ` +
      `${(many.page / few.page).toFixed(2)}x (target under 2x); second page ${many.second.toFixed(2)} ms; ` +
      `listing all 10,000: ${many.all.toFixed(0)} ms`,
  );
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}
