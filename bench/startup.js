// Start-up cost of the CLI: `argo version` and `argo --help` against a bare `node -e 0`, each the
// median of N runs, interleaved so that machine noise hits all three alike.
// Run after `npm run build`: node bench/startup.js [--runs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// issue 13: `argo version` within 1.5x of `node -e 0` (the reads are held to theirs in cli-reads.js).
const TARGET = 1.5;
const bin = fileURLToPath(new URL('../bin/argo.js', import.meta.url));
const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const runs = Math.max(1, Number(values.runs) || 21);

// An empty home and no cluster settings: what a first `argo version` on a laptop sees.
const home = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-startup-'));
const env = { ...process.env, ARGO_HOME: home, NO_COLOR: '1' };
// NODE_EXTRA_CA_CERTS makes Node 20 read a certificate bundle as it starts (50 ms here, where the
// machine sets it): `node -e 0` and the CLI would both pay it, hiding the CLI's own cost in the ratio.
for (const k of ['ARGO_SERVER', 'KUBECONFIG', 'NODE_OPTIONS', 'NODE_EXTRA_CA_CERTS']) delete env[k];

const cases = {
  node: [process.execPath, ['-e', '0']],
  version: [process.execPath, [bin, 'version']],
  help: [process.execPath, [bin, '--help']],
};

function timeOnce([file, args]) {
  const start = performance.now();
  const r = spawnSync(file, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

try {
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  // One warm-up round fills the OS file cache for every case.
  for (const c of Object.values(cases)) timeOnce(c);
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cases)) samples[k].push(timeOnce(c));
  const node = median(samples.node);
  const fmt = (ms) => `${(ms / 1000).toFixed(3)}s`;
  for (const k of ['version', 'help']) {
    const m = median(samples[k]);
    const label = k === 'version' ? 'argo version' : 'argo --help';
    console.log(
      `startup: ${label} ${fmt(m)} vs node ${fmt(node)} = ${(m / node).toFixed(2)}x (target ${TARGET}x, median of ${runs})`,
    );
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
