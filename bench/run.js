// `npm run bench`: every benchmark, one after another (so they do not compete for the CPU), each
// printing its own ratio. Needs a build (`npm run build`; `npm ci` does one).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const benches = [
  'startup.js',
  'cli-reads.js',
  'kube-list.js',
  'kubelet.js',
  'dag200.js',
  'steps-passes.js',
  'pod-cost.js',
  'expr-eval.js',
  'validate-steps.js',
  'store.js',
  'store-size.js',
];
if (!existsSync(fileURLToPath(new URL('../dist/bundle/main.cjs', import.meta.url)))) {
  console.error('dist/ is missing: run npm run build first');
  process.exit(2);
}
let failed = 0;
for (const b of benches) {
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(b, import.meta.url))], {
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`${b} exited ${r.status ?? r.signal}`);
    failed++;
  }
}
process.exitCode = failed ? 1 : 0;
