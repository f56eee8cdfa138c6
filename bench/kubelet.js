// The cost of running pods through `argo kubelet`, a process of its own, against the host runtime
// in the process of its caller (how the cluster e2e suites ran before): over one kube-api endpoint
// (src/server/kube-api over a fresh SQLite store, plain HTTP, bearer token), the time from creating
// a one-container pod to its Succeeded status, and the time of a pods/exec (a SIGCONT to a running
// container's entrypoint) served by the runtime's exec directly against the API server's proxy to
// the kubelet (src/server/kube-api/kubelet-proxy.ts). Medians of N; the two runtimes take turns in
// rounds (never both at once: each would take the other's pods), so machine noise hits both alike.
// Run after `npm run build`: node bench/kubelet.js [--runs N]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TOKEN = 'bench-token';
const NS = 'default';
const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' } } });
const runs = Math.max(1, Number(values.runs) || 9);

const { openStore } = await import('../dist/store/index.js');
const { startKubeApiServer } = await import('../dist/server/kube-api/server.js');
const { kubeconfigYaml } = await import('../dist/server/kube-api/kubeconfig.js');
const { execThroughKubelet } = await import('../dist/server/kube-api/kubelet-proxy.js');
const { HostRuntime } = await import('../dist/executor/host/runtime.js');
const { openKubeStore } = await import('../dist/store/kube/index.js');
const { buildPod } = await import('../dist/controller/pod-builder.js');

const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-kubelet-'));
const store = openStore({ path: path.join(dir, 'argo.db') });
const proxy = execThroughKubelet(store);
const server = await startKubeApiServer(store, { token: TOKEN, podExec: proxy });
const kubeconfig = path.join(dir, 'kubeconfig');
writeFileSync(kubeconfig, kubeconfigYaml({ url: server.url, token: TOKEN, name: 'bench' }));
const home = path.join(dir, 'node');
let seq = 0;

/** The pod our controller makes for a container template running `command` (its own builder). */
function pod(command) {
  const name = `bench-${++seq}`;
  const tmpl = { name: 'main', container: { image: 'busybox', command } };
  const wf = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'wf', namespace: NS, uid: 'wf-uid' },
    spec: { entrypoint: 'main', templates: [tmpl] },
  };
  const node = { id: `wf-${name}`, name: `wf.${name}`, displayName: name, type: 'Pod', templateName: 'main' };
  return buildPod({
    wf,
    execSpec: wf.spec,
    node,
    podName: name,
    onExitPod: false,
    tmpl,
    includeScriptOutput: false,
  });
}

async function untilPhase(name, phases, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const p = await store.get('Pod', NS, name);
    if (phases.includes(p?.status?.phase)) return;
    if (Date.now() > end)
      throw new Error(`pod ${name} never reached ${phases}: ${JSON.stringify(p?.status)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One round on a runtime: a pod's round trip, and an exec into a running pod (exec: how). */
async function round(exec) {
  const quick = pod(['true']);
  const start = performance.now();
  await store.create('Pod', quick);
  await untilPhase(quick.metadata.name, ['Succeeded']);
  const podMs = performance.now() - start;
  const long = pod(['sleep', '300']);
  await store.create('Pod', long);
  await untilPhase(long.metadata.name, ['Running']);
  const t = performance.now();
  const out = await exec(NS, long.metadata.name, 'main', ['/bin/sh', '-c', 'kill -18 1']);
  const execMs = performance.now() - t;
  if (out.exitCode !== 0) throw new Error(`exec failed: ${JSON.stringify(out)}`);
  await store.delete('Pod', NS, long.metadata.name);
  await untilGone(long.metadata.name);
  return { podMs, execMs };
}

async function untilGone(name) {
  const end = Date.now() + 30_000;
  while (await store.get('Pod', NS, name)) {
    if (Date.now() > end) throw new Error(`pod ${name} never went`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function inProcess() {
  const { store: kube } = await openKubeStore({ kubeconfig });
  const runtime = new HostRuntime(kube, { home, gracePeriodSeconds: 1, onError: () => undefined });
  await runtime.start();
  try {
    return await round((...a) => runtime.exec(...a));
  } finally {
    await runtime.stop();
    await kube.close();
  }
}

async function ownProcess() {
  const child = spawn(
    process.execPath,
    [bin, 'kubelet', '--kubeconfig', kubeconfig, '--home', home, '--port', '0', '--grace-period', '1'],
    {
      env: { ...process.env, KUBECONFIG: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let out = '';
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`argo kubelet exited ${code}:\n${out}`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('msg="kubelet started"')) resolve();
    });
  });
  try {
    return await round(proxy);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

try {
  // One warm-up round of each (file cache, the runtime's compiled helpers in its home).
  await inProcess();
  await ownProcess();
  const a = { podMs: [], execMs: [] };
  const b = { podMs: [], execMs: [] };
  for (let i = 0; i < runs; i++) {
    const x = await inProcess();
    const y = await ownProcess();
    a.podMs.push(x.podMs);
    a.execMs.push(x.execMs);
    b.podMs.push(y.podMs);
    b.execMs.push(y.execMs);
  }
  const f = (ms) => `${ms.toFixed(1)}ms`;
  const [pa, pb, ea, eb] = [median(a.podMs), median(b.podMs), median(a.execMs), median(b.execMs)];
  console.log(
    `kubelet: pod create->Succeeded via argo kubelet ${f(pb)} vs in-process runtime ${f(pa)} = ${(pb / pa).toFixed(2)}x; pods/exec proxied to the kubelet ${f(eb)} vs the runtime's exec ${f(ea)} = ${(eb / ea).toFixed(2)}x (median of ${runs}, ${process.version})`,
  );
} finally {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
