#!/usr/bin/env node
// The acceptance suite: every Workflow in the given folders, submitted through the CLI on the
// local backend, its final phase compared with the expected one.
//
//   npm run acceptance -- [options] DIR|FILE...
//     --concurrency N      workflows run at once (default 4)
//     --timeout S          seconds allowed per workflow without an own timeout (default 120)
//     --filter TEXT        only workflows whose key contains TEXT (repeatable)
//     --ratchet            exit 0 only if every failure is a known failure and no known failure passed
//     --update-known       rewrite the known-failures file from this run
//     --expectations FILE  default test/acceptance/expectations.yaml
//     --known FILE         default test/acceptance/known-failures.yaml
//     --setup DIR          extra objects to apply first (default test/acceptance/setup)
//     --namespace NS       namespace the workflows run in (default argo, as upstream's tests)
//     --show-logs          print the last lines of `argo logs` under each failure
//     --keep               keep the temporary ARGO_HOMEs
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectationFor, loadExpectations, unreviewedNoTest } from './lib/expectations.js';
import { loadKnownFailures, ratchet, saveKnownFailures, updatedKnownFailures } from './lib/known-failures.js';
import { collectManifests, findManifestFiles } from './lib/manifests.js';
import { killLeftovers, liveGroups, signalGroup } from './lib/processes.js';
import { runWorkflow } from './lib/run-workflow.js';
import { seedDatabaseSyncLimits, seedStore } from './lib/seed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');

function usage(message) {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write(
    'usage: npm run acceptance -- [--ratchet] [--update-known] [--concurrency N] [--timeout S] [--filter TEXT] DIR...\n',
  );
  process.exit(2);
}

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        concurrency: { type: 'string', default: '4' },
        timeout: { type: 'string', default: '120' },
        filter: { type: 'string', multiple: true, default: [] },
        ratchet: { type: 'boolean', default: false },
        'update-known': { type: 'boolean', default: false },
        expectations: { type: 'string', default: path.join(here, 'expectations.yaml') },
        known: { type: 'string', default: path.join(here, 'known-failures.yaml') },
        namespace: { type: 'string', default: 'argo' },
        setup: { type: 'string', default: path.join(here, 'setup') },
        keep: { type: 'boolean', default: false },
        'show-logs': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    usage(err.message);
  }
  const { values, positionals } = parsed;
  if (values.help) usage();
  if (!positionals.length) usage('no folders given');
  for (const p of positionals) if (!existsSync(p)) usage(`${p}: no such file or folder`);
  const concurrency = Number(values.concurrency);
  const timeout = Number(values.timeout);
  if (!Number.isInteger(concurrency) || concurrency < 1) usage('--concurrency must be an integer >= 1');
  if (!(timeout > 0)) usage('--timeout must be seconds > 0');
  return { ...values, concurrency, timeout, roots: positionals };
}

async function pool(items, size, work) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

async function main() {
  const opts = options();
  if (!existsSync(path.join(repoRoot, 'dist/bundle/main.cjs'))) {
    process.stderr.write(
      `${path.join(repoRoot, 'dist')} is missing: run npm run build (npm ci does) first\n`,
    );
    process.exit(2);
  }
  const expectations = loadExpectations(opts.expectations);
  const known = loadKnownFailures(opts.known);
  const files = findManifestFiles(opts.roots);
  const { setup: folderSetup, workflows: all } = collectManifests(files);
  const extra = existsSync(opts.setup) ? collectManifests(findManifestFiles([opts.setup])).setup : [];
  const setup = [...extra, ...folderSetup];
  const workflows = opts.filter.length ? all.filter((w) => opts.filter.some((f) => w.key.includes(f))) : all;

  const tmpRoot = mkdtempSync(path.join(os.tmpdir(), 'argo-acceptance-'));
  const seedHome = path.join(tmpRoot, 'seed');
  const scratch = path.join(tmpRoot, 'scratch');
  mkdirSync(seedHome);
  mkdirSync(scratch);
  const activeHomes = new Set();
  const env = {
    ...process.env,
    ARGO_LOCAL: 'true',
    ARGO_NAMESPACE: opts.namespace,
    // A controller a run leaves detached goes away soon after its work is done.
    ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '5',
    NO_COLOR: '1',
  };
  delete env.FORCE_COLOR;

  let interrupted = false;
  const cleanup = () => {
    for (const g of liveGroups) signalGroup(g, 'SIGKILL');
    for (const h of activeHomes) killLeftovers(h);
    killLeftovers(seedHome);
    if (!opts.keep) rmSync(tmpRoot, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.once(sig, () => {
      interrupted = true;
      process.stderr.write(`\n${sig}: stopping the runs and removing ${tmpRoot}\n`);
      cleanup();
      process.exit(130);
    });
  }

  const started = performance.now();
  const results = [];
  try {
    const problems = await seedStore({
      docs: setup,
      home: seedHome,
      scratch,
      repoRoot,
      env: { ...env },
      namespace: opts.namespace,
      timeoutMs: 60_000,
    });
    const limitsFile = path.join(opts.setup, 'database-sync-limits.txt');
    if (existsSync(limitsFile))
      problems.push(
        ...(await seedDatabaseSyncLimits({
          file: limitsFile,
          home: seedHome,
          repoRoot,
          env: { ...env },
          namespace: opts.namespace,
          timeoutMs: 60_000,
        })),
      );
    killLeftovers(seedHome);
    const planned = workflows.map((doc) => ({ doc, exp: expectationFor(expectations, doc, opts.timeout) }));
    const toRun = planned.filter((p) => !p.exp.skip).length;
    console.log(
      `acceptance: ${workflows.length} workflows from ${files.length} files (${toRun} to run, ${workflows.length - toRun} skipped), ` +
        `${setup.length} objects applied first, concurrency ${opts.concurrency}${opts.keep ? `, kept in ${tmpRoot}` : ''}`,
    );
    for (const p of problems) console.log(p);
    for (const d of unreviewedNoTest(expectations, workflows))
      console.log(
        `NOTE ${d.key}: labelled no-test (${d.labels['workflows.argoproj.io/no-test']}) upstream, no entry in expectations; expecting Succeeded`,
      );

    await pool(planned, opts.concurrency, async ({ doc, exp }) => {
      if (interrupted) return;
      if (exp.skip) {
        results.push({ key: doc.key, fileKey: doc.fileKey, outcome: 'skip', reason: exp.skip });
        console.log(`SKIP ${doc.key} (${exp.skip})`);
        return;
      }
      const r = await runWorkflow(doc, exp, {
        repoRoot,
        tmpRoot,
        seedHome,
        env,
        keep: opts.keep,
        showLogs: opts['show-logs'],
        activeHomes,
      });
      const tries = r.attempt > 1 ? `, attempt ${r.attempt}/${exp.attempts}` : '';
      if (r.outcome === 'pass') {
        console.log(`PASS ${doc.key} (${r.phase}, ${seconds(r.ms)}${tries})`);
        results.push({ key: doc.key, fileKey: doc.fileKey, outcome: 'pass' });
      } else {
        const expected = exp.phases.join(' or ');
        const reason = `expected ${expected}, got ${r.phase}${r.reason ? `: ${r.reason}` : ''}`;
        console.log(`FAIL ${doc.key}: ${reason}`);
        for (const line of r.logs ?? []) console.log(`    | ${line}`);
        results.push({ key: doc.key, fileKey: doc.fileKey, outcome: 'fail', reason });
      }
    });
  } finally {
    cleanup();
  }

  const count = (o) => results.filter((r) => r.outcome === o).length;
  const passed = count('pass');
  const failed = count('fail');
  const skipped = count('skip');
  let exitCode = failed ? 1 : 0;

  if (opts.ratchet) {
    const { regressions, nowPassing } = ratchet(results, known);
    for (const r of regressions) console.log(`REGRESSION ${r.key}: ${r.reason}`);
    for (const r of nowPassing) console.log(`NOW PASSING (remove from known failures) ${r.key}`);
    const knownFailing = failed - regressions.length;
    console.log(
      `ratchet: ${regressions.length} regressions, ${nowPassing.length} now passing, ${knownFailing} known failures (${path.relative(process.cwd(), opts.known)})`,
    );
    exitCode = regressions.length || nowPassing.length ? 1 : 0;
  }
  if (opts['update-known']) {
    const next = updatedKnownFailures(results, known);
    await saveKnownFailures(opts.known, next);
    console.log(`known failures: wrote ${next.size} entries to ${path.relative(process.cwd(), opts.known)}`);
    exitCode = 0;
  }
  console.log(`time: ${seconds(performance.now() - started)}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = exitCode;
}

main().catch((err) => {
  process.stderr.write(`acceptance: ${err?.stack ?? err}\n`);
  process.exit(2);
});
