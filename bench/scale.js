// The engine's cost as a workflow grows: `argo submit --wait` on the local backend (a fresh
// ARGO_HOME per run, so the CLI runs the engine in-process) against spawning the same `true`
// processes bare from Node with the same parallelism, both measured in this run.
// Run after `npm run build`: node bench/scale.js SHAPE[,SHAPE...] N [N ...]
//   SHAPE: fanout     one step expanded withSequence into N pods
//          diamond    a DAG 1 → N−2 → 1
//          sequential N steps one after another (bare runs them one at a time too)
// e.g. node bench/scale.js fanout 500 2000; prints per N the wall time, bare time, their ratio,
// ms per node, engine overhead per node, the size of argo.db, and the growth exponent fitted
// across the N given (time ∝ N^k; 1 means linear).
// For sequential it also prints the engine's overhead per step with the fixed costs left out (the
// CLI's start, compiling the runtime's helpers in the fresh home, the engine's start and stop): a
// run of a few steps is timed too, and the overhead is what each step beyond those adds over bare
// spawning, ((argo(N) - argo(n)) - (bare(N) - bare(n))) / (N - n).
// The engine-at-scale targets (issue 13): node bench/scale.js fanout,diamond 500 2000 10000
// (ms per node at the largest N within 1.3x of that at the smallest, exponent ≤ 1.1, and the
// largest fan-out within 3x of bare); this takes about half an hour on 2 cores.
// Beside wall time it prints the CLI's CPU time per node (the engine runs in it), and its exponent.
// (where the time goes: ARGO_BENCH_NODE_OPTIONS='--cpu-prof --cpu-prof-dir=/tmp/prof' node bench/scale.js …)
// (a step's hand-overs, stamped: ARGO_TS_TRACE_STEPS=1 argo submit --wait wf.yaml 2>trace.txt)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PARALLELISM = 16;
const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const [shapeList = '', ...sizes] = process.argv.slice(2);
const SHAPES = { fanout, diamond, sequential };
const shapes = shapeList.split(',');
const ns = sizes.map(Number);
if (shapes.some((s) => !SHAPES[s]) || ns.length === 0 || ns.some((n) => !Number.isInteger(n) || n < 3)) {
  console.error(
    'usage: node bench/scale.js fanout|diamond|sequential[,...] N [N ...]  (each N an integer ≥ 3)',
  );
  process.exit(2);
}

const noop = { name: 'noop', container: { image: 'busybox', command: ['true'] } };

function workflow(name, main) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name },
    spec: { entrypoint: 'main', parallelism: PARALLELISM, templates: [main, noop] },
  };
}

function fanout(n) {
  const step = { name: 'item', template: 'noop', withSequence: { count: String(n) } };
  return workflow(`fanout${n}`, { name: 'main', steps: [[step]] });
}

function diamond(n) {
  const tasks = [{ name: 'first', template: 'noop' }];
  for (let i = 0; i < n - 2; i++) tasks.push({ name: `mid${i}`, template: 'noop', dependencies: ['first'] });
  tasks.push({
    name: 'last',
    template: 'noop',
    dependencies: tasks.slice(1).map((t) => t.name),
  });
  return workflow(`diamond${n}`, { name: 'main', dag: { tasks } });
}

function sequential(n) {
  const steps = Array.from({ length: n }, (_, i) => [{ name: `s${i}`, template: 'noop' }]);
  return workflow(`sequential${n}`, { name: 'main', steps });
}

/** How many processes may run at once in the bare run: the workflow's own limit. */
const bareParallelism = (shape) => (shape === 'sequential' ? 1 : PARALLELISM);

function run(file, args, env, stdout = 'ignore') {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', stdout, 'pipe'] });
    let stderr = '';
    let out = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout?.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr.trim()}`)),
    );
  });
}

/** `argo submit --wait` in a fresh home: wall time and the store's size on disk afterwards. */
async function argoRun(shape, n) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-scale-'));
  const env = { ...process.env, ARGO_HOME: home, NO_COLOR: '1' };
  for (const k of ['ARGO_SERVER', 'KUBECONFIG', 'NODE_OPTIONS']) delete env[k];
  const file = path.join(home, 'wf.json');
  writeFileSync(file, JSON.stringify(SHAPES[shape](n)));
  const nodeArgs = (process.env.ARGO_BENCH_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  // The CLI's own CPU time (it runs the engine; the containers' processes are not counted): a
  // figure a loaded machine disturbs far less than wall time.
  const cpuFile = path.join(home, 'cpu.json');
  env.ARGO_BENCH_CPU_FILE = cpuFile;
  nodeArgs.push('--import', `data:text/javascript,${encodeURIComponent(CPU_HOOK)}`);
  try {
    const start = performance.now();
    try {
      await run(process.execPath, [...nodeArgs, bin, 'submit', '--wait', file], env);
    } catch (err) {
      // A workflow that did not succeed exits 1 with nothing on stderr: say how it ended.
      const list = await run(process.execPath, [bin, 'list'], env, 'pipe').catch((e) => e.message);
      throw new Error(`${err.message}\n${list.trim()}`);
    }
    const ms = performance.now() - start;
    const size = (f) => {
      try {
        return statSync(path.join(home, f)).size;
      } catch {
        return 0;
      }
    };
    const cpu = JSON.parse(readFileSync(cpuFile, 'utf8'));
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, dbBytes: size('argo.db') + size('argo.db-wal') };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Loaded into the CLI with --import: writes its CPU time (µs) where ARGO_BENCH_CPU_FILE says, at exit. */
const CPU_HOOK = `import { writeFileSync } from 'node:fs';
process.on('exit', () => writeFileSync(process.env.ARGO_BENCH_CPU_FILE, JSON.stringify(process.cpuUsage())));`;

/** The same number of `true` processes, at most `parallelism` at a time. */
async function bareRun(n, parallelism) {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await run('true', [], process.env);
    }
  };
  await Promise.all(Array.from({ length: parallelism }, worker));
  return performance.now() - start;
}

/** Least-squares slope of log(ms) against log(n). */
function growthExponent(points) {
  const xs = points.map((p) => Math.log(p.n));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** Steps of the short sequential run whose time stands for the fixed costs. */
const FIXED_STEPS = 5;

for (const shape of shapes) await measure(shape);

async function measure(shape) {
  const fixed =
    shape === 'sequential'
      ? { bare: await bareRun(FIXED_STEPS, 1), argo: (await argoRun(shape, FIXED_STEPS)).ms }
      : undefined;
  const points = [];
  for (const n of ns) {
    const bare = await bareRun(n, bareParallelism(shape));
    const { ms, cpuMs, dbBytes } = await argoRun(shape, n);
    points.push({ n, ms, cpuMs });
    console.log(
      `scale ${shape} N=${n}: argo ${(ms / 1000).toFixed(2)}s vs bare ${(bare / 1000).toFixed(2)}s = ` +
        `${(ms / bare).toFixed(1)}x; ${(ms / n).toFixed(2)} ms/node, ` +
        `${((ms - bare) / n).toFixed(2)} ms/node over bare; CLI+engine CPU ${(cpuMs / n).toFixed(2)} ms/node; ` +
        `argo.db ${(dbBytes / 2 ** 20).toFixed(1)} MB ` +
        `(parallelism ${PARALLELISM})`,
    );
    if (fixed && n > FIXED_STEPS) {
      const steps = n - FIXED_STEPS;
      const argoStep = (ms - fixed.argo) / steps;
      const bareStep = (bare - fixed.bare) / steps;
      console.log(
        `scale sequential N=${n}: per step beyond the first ${FIXED_STEPS}: argo ${argoStep.toFixed(1)} ms, ` +
          `bare ${bareStep.toFixed(1)} ms; engine overhead ${(argoStep - bareStep).toFixed(1)} ms per step`,
      );
    }
  }
  if (points.length > 1) {
    const first = points[0];
    const last = points[points.length - 1];
    console.log(
      `scale ${shape}: growth exponent ${growthExponent(points).toFixed(2)} over N=${ns.join(',')} ` +
        `(1 = linear); ms/node at N=${last.n} is ${(last.ms / last.n / (first.ms / first.n)).toFixed(2)}x that at N=${first.n}`,
    );
    const cpu = points.map((p) => ({ n: p.n, ms: p.cpuMs }));
    console.log(
      `scale ${shape}: CPU growth exponent ${growthExponent(cpu).toFixed(2)}; CPU ms/node at N=${last.n} is ` +
        `${(last.cpuMs / last.n / (first.cpuMs / first.n)).toFixed(2)}x that at N=${first.n}`,
    );
  }
}
