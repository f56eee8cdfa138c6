// How big argo.db gets against what it holds, and what is left after `argo delete`.
// 1. A real run: `argo submit --wait` of a withSequence fan-out of `true` nodes (default 500),
//    then `argo delete`. 2. A 5,000-node fan-out written straight into a store with the write
//    pattern of a run (each pod created, started and finished, a task result per node, the
//    workflow rewritten after every 16 nodes), cloned from the real run's pod and node, then
//    deleted as `argo delete` deletes it (workflow, pods, task results).
// Each prints argo.db / (final workflow JSON + its pods' JSON), target under 5x, and the file
// after the delete against its size before the submit.
// Run after `npm run build`: node bench/store-size.js [--real 500] [--nodes 5000]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TARGET = 5;
const { values } = parseArgs({
  options: { real: { type: 'string', default: '500' }, nodes: { type: 'string', default: '5000' } },
});
const REAL = Number(values.real);
const NODES = Number(values.nodes);
const BATCH = 16;
const NAMESPACE = 'default';
const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';

const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const { openStore } = await import('../dist/store/index.js');

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
/** The database file with its WAL: what the disk holds. */
function dbBytes(home) {
  let total = 0;
  for (const f of ['argo.db', 'argo.db-wal']) {
    try {
      total += statSync(path.join(home, f)).size;
    } catch {
      // no WAL after a clean close
    }
  }
  return total;
}

async function contentBytes(home, name) {
  const store = openStore({ path: path.join(home, 'argo.db') });
  try {
    const wf = await store.get('Workflow', NAMESPACE, name);
    const pods = await store.list('Pod', {
      namespace: NAMESPACE,
      labelSelector: `${WORKFLOW_LABEL}=${name}`,
    });
    const podBytes = pods.items.reduce((n, p) => n + JSON.stringify(p).length, 0);
    return { wf, pods: pods.items, wfBytes: JSON.stringify(wf).length, podBytes };
  } finally {
    await store.close();
  }
}

function report(label, { before, full, after, wfBytes, podBytes, pods }) {
  const held = wfBytes + podBytes;
  console.log(
    `${label}: argo.db ${mb(full)} for a ${mb(wfBytes)} workflow + ${pods} pods ${mb(podBytes)} = ` +
      `${(full / held).toFixed(2)}x (target under ${TARGET}x); after delete ${mb(after)} (before submit ${mb(before)})`,
  );
  return full / held;
}

async function realRun(home) {
  const env = { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', NO_COLOR: '1' };
  for (const k of ['ARGO_SERVER', 'KUBECONFIG']) delete env[k];
  const argo = (...args) => execFileSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  argo('list');
  const before = dbBytes(home);
  const file = path.join(home, 'fan.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { generateName: 'fan-' },
      spec: {
        entrypoint: 'main',
        parallelism: BATCH,
        templates: [
          { name: 'main', steps: [[{ name: 't', template: 'noop', withSequence: { count: String(REAL) } }]] },
          { name: 'noop', container: { image: 'busybox', command: ['true'] } },
        ],
      },
    }),
  );
  const name = argo('submit', file, '--wait', '-o', 'name').trim().split('\n').pop();
  const full = dbBytes(home);
  const content = await contentBytes(home, name);
  argo('delete', name);
  const after = dbBytes(home);
  const ratio = report(`fan-out ${REAL} (argo submit --wait)`, {
    before,
    full,
    after,
    ...content,
    pods: content.pods.length,
  });
  return { ratio, pod: content.pods[0], wf: content.wf };
}

/** A real run's pod and workflow, cloned into a NODES-node fan-out written as a run writes it. */
async function syntheticRun(home, sample) {
  const dbPath = path.join(home, 'argo.db');
  openStore({ path: dbPath }).close();
  const before = dbBytes(home);
  const store = openStore({ path: dbPath });
  const name = `fan${NODES}`;
  const sampleNodes = Object.values(sample.wf.status.nodes);
  const podNode = sampleNodes.find((n) => n.type === 'Pod');
  const groupNode = sampleNodes.find((n) => n.type === 'StepGroup');
  const rootNode = sampleNodes.find((n) => n.type === 'Steps');
  const groupId = `${name}-group`;
  const wf = structuredClone(sample.wf);
  wf.metadata = { name, namespace: NAMESPACE, labels: { [WORKFLOW_LABEL + 's-phase']: 'Running' } };
  wf.status = {
    ...wf.status,
    phase: 'Running',
    finishedAt: undefined,
    nodes: {
      [name]: { ...rootNode, id: name, name, displayName: name, children: [groupId], phase: 'Running' },
      [groupId]: {
        ...groupNode,
        id: groupId,
        name: `${name}[0]`,
        boundaryID: name,
        children: [],
        phase: 'Running',
      },
    },
  };
  let saved = await store.create('Workflow', wf);
  const samplePod = sample.pod;
  for (let start = 0; start < NODES; start += BATCH) {
    const ids = [];
    for (let i = start; i < Math.min(NODES, start + BATCH); i++) {
      const id = `${name}-${i}`;
      ids.push(id);
      const pod = structuredClone(samplePod);
      pod.metadata = {
        ...pod.metadata,
        name: id,
        namespace: NAMESPACE,
        labels: { ...pod.metadata.labels, [WORKFLOW_LABEL]: name },
        annotations: { ...pod.metadata.annotations, 'workflows.argoproj.io/node-id': id },
        uid: undefined,
        resourceVersion: undefined,
        creationTimestamp: undefined,
      };
      pod.status = { phase: 'Pending' };
      await store.create('Pod', pod);
      await store.patch('Pod', NAMESPACE, id, { status: { ...samplePod.status, phase: 'Running' } });
      await store.create('WorkflowTaskResult', {
        metadata: { name: id, namespace: NAMESPACE, labels: { [WORKFLOW_LABEL]: name } },
        outputs: { exitCode: '0' },
      });
      await store.patch('Pod', NAMESPACE, id, { status: samplePod.status });
    }
    const nodes = saved.status.nodes;
    for (const id of ids) {
      nodes[id] = { ...podNode, id, name: `${name}[0].t(${id})`, displayName: `t(${id})`, boundaryID: name };
      nodes[groupId].children.push(id);
    }
    saved = await store.update('Workflow', saved);
  }
  saved.status.phase = 'Succeeded';
  saved.status.finishedAt = new Date().toISOString();
  for (const id of [name, groupId]) saved.status.nodes[id].phase = 'Succeeded';
  saved = await store.update('Workflow', saved);
  for (let i = 0; i < NODES; i++) await store.delete('WorkflowTaskResult', NAMESPACE, `${name}-${i}`);
  await store.close();
  const full = dbBytes(home);
  const content = await contentBytes(home, name);
  // As `argo delete` does: the workflow, then what it owned.
  const again = openStore({ path: dbPath });
  await again.delete('Workflow', NAMESPACE, name);
  for (const p of content.pods) await again.delete('Pod', NAMESPACE, p.metadata.name);
  await again.close();
  const after = dbBytes(home);
  return report(`fan-out ${NODES} (written into the store)`, {
    before,
    full,
    after,
    ...content,
    pods: content.pods.length,
  });
}

const homes = [0, 1].map(() => mkdtempSync(path.join(os.tmpdir(), 'argo-bench-size-')));
try {
  const real = await realRun(homes[0]);
  const synthetic = await syntheticRun(homes[1], real);
  process.exitCode = real.ratio < TARGET && synthetic < TARGET ? 0 : 1;
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
}
