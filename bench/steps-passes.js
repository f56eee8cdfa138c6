// The engine's own cost per step of a sequential workflow, without processes, a store or timers:
// the reconcile passes of N one-step groups are run in this process the way the controller runs
// them (each pass on the copy the last one returned), every pod ending as soon as it is asked for.
// Prints operate()'s CPU milliseconds per step at each N (CPU time: other work on the machine
// disturbs it far less than wall time; a small N is run several times over) and the ratio of the
// largest N's to the smallest's: work that each pass does over the whole chain shows above 1.
// Run after `npm run build`: node bench/steps-passes.js [N ...]   (default 20 300)
import { drivePasses } from './lib/drive-passes.js';

const ns = process.argv.slice(2).map(Number);
if (ns.length === 0) ns.push(20, 300);
if (ns.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('usage: node bench/steps-passes.js [N ...]  (each N a positive integer)');
  process.exit(2);
}

const START = Date.parse('2026-01-01T00:00:00Z');

function workflow(n) {
  const steps = Array.from({ length: n }, (_, i) => [{ name: `s${i}`, template: 'noop' }]);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: `seq${n}`,
      namespace: 'argo',
      uid: 'bench',
      creationTimestamp: new Date(START).toISOString(),
    },
    spec: {
      entrypoint: 'main',
      templates: [
        { name: 'main', steps },
        { name: 'noop', container: { image: 'busybox', command: ['true'] } },
      ],
    },
  };
}

/** Passes until the workflow succeeds; the CPU time spent in operate(), in ms. */
const drive = (n) => drivePasses(workflow(n), START, 4 * n + 10).ms;

drive(100); // warms the code up: the smallest N alone is over too soon for the JIT
const perStep = [];
for (const n of ns) {
  // At least 300 steps in all, so that a small N is not one short burst.
  const runs = Math.max(1, Math.ceil(300 / n));
  let ms = 0;
  for (let r = 0; r < runs; r++) ms += drive(n);
  perStep.push(ms / (n * runs));
  console.log(
    `steps-passes N=${n}: operate() ${(ms / (n * runs)).toFixed(2)} ms CPU per step (${runs} run${runs > 1 ? 's' : ''})`,
  );
}
if (ns.length > 1) {
  console.log(
    `steps-passes: per-step cost at N=${ns[ns.length - 1]} is ${(perStep[perStep.length - 1] / perStep[0]).toFixed(2)}x that at N=${ns[0]} (1 = no work over the whole chain per pass)`,
  );
}
