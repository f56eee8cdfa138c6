// `argo list` on the Kubernetes backend against `argo version` (issue 16's target: within 2x) and
// both against a bare `node -e 0`. The cluster is the kube-api endpoint the fake API server of the
// tests is made of (src/server/kube-api), in a process of its own over a fresh store holding three
// finished workflows, on plain HTTP with a bearer token; the CLI finds it through KUBECONFIG. Each
// figure is the median of N runs, interleaved so that machine noise hits all alike.
// Run after `npm run build`: node bench/kube-list.js [--runs N]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TARGET = 2;
const TOKEN = 'bench-token';
const NAMES = ['bench-a', 'bench-b', 'bench-c'];
const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '21' }, serve: { type: 'string' } },
});

if (values.serve) {
  // The cluster's process: serves the store in the given folder until its parent closes stdin.
  const { openStore } = await import('../dist/store/index.js');
  const { startKubeApiServer } = await import('../dist/server/kube-api/server.js');
  const store = openStore({ path: path.join(values.serve, 'argo.db') });
  const server = await startKubeApiServer(store, { token: TOKEN });
  process.stdout.write(`${server.url}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    void server.close().then(() => store.close());
  });
} else {
  await measure();
}

/** A finished one-pod workflow, as a controller leaves it. */
function finished(name) {
  const at = '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: 'default',
      labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
    },
    spec: {
      entrypoint: 'main',
      templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
    },
    status: {
      phase: 'Succeeded',
      startedAt: at,
      finishedAt: '2026-01-01T00:00:05Z',
      progress: '1/1',
      nodes: {
        [name]: {
          id: name,
          name,
          displayName: name,
          type: 'Pod',
          templateName: 'main',
          phase: 'Succeeded',
          startedAt: at,
          finishedAt: '2026-01-01T00:00:05Z',
        },
      },
    },
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

async function measure() {
  const runs = Math.max(1, Number(values.runs) || 21);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-kube-list-'));
  const { openStore } = await import('../dist/store/index.js');
  const store = openStore({ path: path.join(dir, 'argo.db') });
  try {
    for (const name of NAMES) await store.create('Workflow', finished(name));
  } finally {
    await store.close();
  }
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      server.once('exit', (code) => reject(new Error(`the API server exited ${code}`)));
      createInterface({ input: server.stdout }).once('line', resolve);
    });
    const { kubeconfigYaml } = await import('../dist/server/kube-api/kubeconfig.js');
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml({ url, token: TOKEN, name: 'bench' }));

    // The kubeconfig alone picks the backend: no Argo Server, no forced local one, an empty home.
    const env = { ...process.env, KUBECONFIG: kubeconfig, ARGO_HOME: path.join(dir, 'home'), NO_COLOR: '1' };
    for (const k of ['ARGO_SERVER', 'ARGO_LOCAL', 'ARGO_NAMESPACE', 'NODE_OPTIONS']) delete env[k];
    const cases = {
      node: [process.execPath, ['-e', '0']],
      version: [process.execPath, [bin, 'version']],
      list: [process.execPath, [bin, 'list']],
    };
    const timeOnce = ([file, args]) => {
      const start = performance.now();
      const r = spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const ms = performance.now() - start;
      if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return { ms, out: r.stdout.toString() };
    };
    // One warm-up round fills the OS file cache; it also checks the list came from the cluster.
    for (const c of Object.values(cases)) timeOnce(c);
    const listed = timeOnce(cases.list).out;
    for (const name of NAMES)
      if (!listed.includes(name)) throw new Error(`argo list did not show ${name}:\n${listed}`);
    const samples = { node: [], version: [], list: [] };
    for (let i = 0; i < runs; i++)
      for (const [k, c] of Object.entries(cases)) samples[k].push(timeOnce(c).ms);
    const [node, version, list] = [median(samples.node), median(samples.version), median(samples.list)];
    const fmt = (ms) => `${(ms / 1000).toFixed(3)}s`;
    console.log(
      `kube-list: argo list (kube backend, ${NAMES.length} workflows) ${fmt(list)} vs argo version ${fmt(version)} = ${(list / version).toFixed(2)}x (target ${TARGET}x); vs node ${fmt(node)} = ${(list / node).toFixed(2)}x, version ${(version / node).toFixed(2)}x (median of ${runs}, ${process.version})`,
    );
  } finally {
    server.stdin.end();
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.once('exit', resolve)));
    rmSync(dir, { recursive: true, force: true });
  }
}
