// The engine's own cost per pass over a wide steps fan-out, without processes, a store or timers:
// one step expanded withSequence into N items under the workflow's parallelism (16), driven the
// way the controller drives it (each pass on the copy the last one returned, node ids kept), every
// pod started in a pass ending before the next. Prints operate()'s CPU time per pass and per item
// of the fan-out at each N, and the ratio of the largest N's cost per pass to the smallest's over
// the ratio of their sizes: a pass whose work follows what changed (16 pods) stays near 1/(N
// ratio), a pass that walks every item stays near 1.
// Run after `npm run build`: node bench/fanout-passes.js [N ...]   (default 500 4000)
import { drivePasses } from './lib/drive-passes.js';

const ns = process.argv.slice(2).map(Number);
if (ns.length === 0) ns.push(500, 4000);
if (ns.some((n) => !Number.isInteger(n) || n < 1)) {
  console.error('usage: node bench/fanout-passes.js [N ...]  (each N a positive integer)');
  process.exit(2);
}

const START = Date.parse('2026-01-01T00:00:00Z');
const PARALLELISM = 16;

function workflow(n) {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name: `fan${n}`,
      namespace: 'argo',
      uid: 'bench',
      creationTimestamp: new Date(START).toISOString(),
    },
    spec: {
      entrypoint: 'main',
      parallelism: PARALLELISM,
      templates: [
        { name: 'main', steps: [[{ name: 'item', template: 'noop', withSequence: { count: String(n) } }]] },
        { name: 'noop', container: { image: 'busybox', command: ['true'] } },
      ],
    },
  };
}

/** Passes until the workflow succeeds: the CPU time spent in operate() (ms) and the passes run. */
const drive = (n) => drivePasses(workflow(n), START, 4 * n + 10);

drive(200); // warms the code up
const perPass = [];
for (const n of ns) {
  const { ms, passes } = drive(n);
  perPass.push(ms / passes);
  console.log(
    `fanout-passes N=${n}: ${passes} passes, operate() ${(ms / passes).toFixed(2)} ms CPU per pass, ` +
      `${((1000 * ms) / passes / n).toFixed(2)} µs per item per pass`,
  );
}
if (ns.length > 1) {
  const sizeRatio = ns[ns.length - 1] / ns[0];
  const costRatio = perPass[perPass.length - 1] / perPass[0];
  console.log(
    `fanout-passes: a pass at N=${ns[ns.length - 1]} costs ${costRatio.toFixed(2)}x one at N=${ns[0]} ` +
      `(${(costRatio / sizeRatio).toFixed(2)} of the ${sizeRatio}x size ratio; 1 = every item walked per pass)`,
  );
}
