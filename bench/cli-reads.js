// Start-up cost of the CLI's reads on the local backend, against a bare `node -e 0`: `argo list` on
// an empty store, `argo get` of a small workflow, and `argo get` of a finished 1,000-node workflow. Each figure is the median of N runs, interleaved so that machine noise hits all alike.
// Run after `npm run build`: node bench/cli-reads.js [--runs N] [--nodes 1000]
// (`argo get` needs a workflow to get: its small case is a three-node one, alone in its store.)
//
// The workflows are written into a fresh ARGO_HOME's store directly, as a finished controller
// would have left them: what is measured is reading and printing them, not running 1,000 pods.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TARGETS = { list: 2, get: 2, big: 3 };
const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, nodes: { type: 'string', default: '1000' } },
});
const runs = Math.max(1, Number(values.runs) || 21);
const NODES = Math.max(3, Number(values.nodes) || 1000);
const NAMESPACE = 'default';

const { openStore } = await import('../dist/store/index.js');
const { nodeId } = await import('../dist/workflow/node-id.js');

const START = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds) => new Date(START + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * A finished `steps` fan-out of `count` nodes in all: the workflow's Steps node, one StepGroup,
 * and `count - 2` Pod nodes that each ran `echo` and reported an output parameter.
 */
function finishedFanOut(name, count) {
  const nodes = {};
  const group = nodeId(name, `${name}[0]`);
  const pods = [];
  for (let i = 0; i < count - 2; i++) {
    const nodeName = `${name}[0].echo(${i}:${i})`;
    const id = nodeId(name, nodeName);
    pods.push(id);
    nodes[id] = {
      id,
      name: nodeName,
      displayName: `echo(${i}:${i})`,
      type: 'Pod',
      templateName: 'echo',
      templateScope: 'local/',
      phase: 'Succeeded',
      boundaryID: name,
      startedAt: at(1 + (i % 60)),
      finishedAt: at(3 + (i % 60)),
      progress: '1/1',
      resourcesDuration: { cpu: 1, memory: 1 },
      inputs: { parameters: [{ name: 'item', value: String(i) }] },
      outputs: { parameters: [{ name: 'out', value: `item ${i}` }], exitCode: '0' },
      hostNodeName: 'localhost',
    };
  }
  nodes[name] = {
    id: name,
    name,
    displayName: name,
    type: 'Steps',
    templateName: 'main',
    templateScope: 'local/',
    phase: 'Succeeded',
    startedAt: at(0),
    finishedAt: at(70),
    progress: `${pods.length}/${pods.length}`,
    children: [group],
    outboundNodes: pods,
  };
  nodes[group] = {
    id: group,
    name: `${name}[0]`,
    displayName: '[0]',
    type: 'StepGroup',
    templateScope: 'local/',
    phase: 'Succeeded',
    boundaryID: name,
    startedAt: at(0),
    finishedAt: at(70),
    progress: `${pods.length}/${pods.length}`,
    children: pods,
  };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: NAMESPACE,
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
    },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [[{ name: 'echo', template: 'echo', withSequence: { count: String(pods.length) } }]],
        },
        {
          name: 'echo',
          inputs: { parameters: [{ name: 'item' }] },
          container: { image: 'busybox', command: ['echo', '{{inputs.parameters.item}}'] },
          outputs: { parameters: [{ name: 'out', valueFrom: { path: '/tmp/out' } }] },
        },
      ],
    },
    status: {
      phase: 'Succeeded',
      startedAt: at(0),
      finishedAt: at(70),
      progress: `${pods.length}/${pods.length}`,
      resourcesDuration: { cpu: pods.length, memory: pods.length },
      nodes,
    },
  };
}

// Two homes: an empty one (what `argo list` sees on a fresh machine), one with the two workflows.
// `argo get small` reads one row, so the big workflow beside it does not weigh on it.
const emptyHome = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-reads-empty-'));
const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-reads-'));
const store = openStore({ path: path.join(home, 'argo.db') });
try {
  await store.create('Workflow', finishedFanOut('small', 3));
  await store.create('Workflow', finishedFanOut('big', NODES));
} finally {
  await store.close();
}

const baseEnv = { ...process.env, ARGO_LOCAL: 'true', NO_COLOR: '1' };
// NODE_EXTRA_CA_CERTS makes Node 20 read a certificate bundle as it starts (50 ms here, where the
// machine sets it): `node -e 0` and the CLI would both pay it, hiding the CLI's own cost in the ratio.
for (const k of ['ARGO_SERVER', 'KUBECONFIG', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS', 'ARGO_NAMESPACE'])
  delete baseEnv[k];
const inEmpty = { ...baseEnv, ARGO_HOME: emptyHome };
const inFull = { ...baseEnv, ARGO_HOME: home };

const cases = {
  node: [process.execPath, ['-e', '0'], inEmpty],
  list: [process.execPath, [bin, 'list'], inEmpty],
  get: [process.execPath, [bin, 'get', 'small'], inFull],
  big: [process.execPath, [bin, 'get', 'big'], inFull],
};
const labels = {
  list: 'argo list (empty store)',
  get: 'argo get (3 nodes)',
  big: `argo get (${NODES} nodes)`,
};

function timeOnce([file, args, env]) {
  const start = performance.now();
  const r = spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return { ms, out: r.stdout.toString() };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

try {
  // One warm-up round fills the OS file cache; it also checks each read printed what it read.
  for (const c of Object.values(cases)) timeOnce(c);
  const tree = timeOnce(cases.big).out;
  const shown = tree.split('\n').filter((l) => /echo\(\d+:\d+\)/.test(l)).length;
  if (shown !== NODES - 2) throw new Error(`argo get big showed ${shown} pod nodes, expected ${NODES - 2}`);
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cases)) samples[k].push(timeOnce(c).ms);
  const node = median(samples.node);
  const fmt = (ms) => `${(ms / 1000).toFixed(3)}s`;
  for (const k of ['list', 'get', 'big']) {
    const m = median(samples[k]);
    console.log(
      `cli-reads: ${labels[k]} ${fmt(m)} vs node ${fmt(node)} = ${(m / node).toFixed(2)}x (target ${TARGETS[k]}x, median of ${runs}, ${process.version})`,
    );
  }
} finally {
  rmSync(emptyHome, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}
