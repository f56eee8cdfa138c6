// Archive list latency with 10,000 archived workflows, on each database reachable here (SQLite
// always; PostgreSQL at 127.0.0.1:5432 and MariaDB at 127.0.0.1:3306 when they answer), against a
// baseline query in the same run: the bare `select uid ... order by startedat desc limit N` the
// first page needs (in the controller's scope, as every archive query is), without the summary
// columns, the tie-break order or the label join.
// Run after `npm run build`: node bench/archive-list.js [--count 10000] [--runs 21] [--page 20]
//
// Cases: the first page, a page deep in the list (offset count/2), a label-selected page, and the
// count a paged list also asks for. Each figure is the median of N runs, interleaved with the baseline.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '21' },
    page: { type: 'string', default: '20' },
  },
});
const COUNT = Math.max(1, Number(values.count) || 10000);
const RUNS = Math.max(1, Number(values.runs) || 21);
const PAGE = Math.max(1, Number(values.page) || 20);

const { openSession, openWorkflowArchive } = await import('../dist/persist/index.js');

const START = Date.parse('2026-01-01T00:00:00Z');
const at = (s) => new Date(START + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

/** A finished workflow as the archive receives it: a few nodes, labels, parameters. */
function workflow(i) {
  const name = `bench-${i}`;
  const nodes = {};
  for (let n = 0; n < 5; n++)
    nodes[`${name}-${n}`] = { id: `${name}-${n}`, name: `${name}[${n}]`, type: 'Pod', phase: 'Succeeded' };
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: {
      name,
      namespace: i % 2 ? 'argo' : 'team',
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: at(i * 10),
      labels: { 'workflows.argoproj.io/completed': 'true', shard: `s${i % 10}`, team: i % 3 ? 'a' : 'b' },
    },
    spec: { entrypoint: 'main', arguments: { parameters: [{ name: 'p', value: String(i) }] } },
    status: {
      phase: i % 7 ? 'Succeeded' : 'Failed',
      startedAt: at(i * 10),
      finishedAt: at(i * 10 + 5),
      progress: '5/5',
      nodes,
    },
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const uniq = () => `argo_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
const PG = {
  type: 'postgres',
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
  database: 'test',
  connectTimeoutMs: 2000,
};
const MY = {
  type: 'mysql',
  host: '127.0.0.1',
  port: 3306,
  user: 'root',
  password: '',
  database: 'test',
  connectTimeoutMs: 2000,
};

async function admin(db, sql) {
  const s = await openSession(db);
  try {
    await s.exec(sql);
  } finally {
    await s.close();
  }
}

/** Each database: a fresh place for the tables, or why it is skipped. */
async function places() {
  const out = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-bench-archive-'));
  out.push({
    label: 'SQLite',
    db: { type: 'sqlite', file: path.join(dir, 'archive.db') },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  });
  try {
    const schema = uniq();
    await admin(PG, `create schema ${schema}`);
    out.push({
      label: 'PostgreSQL',
      db: { ...PG, schema },
      drop: () => admin(PG, `drop schema ${schema} cascade`),
    });
  } catch (err) {
    console.log(`PostgreSQL skipped: ${err.message}`);
  }
  try {
    const database = uniq();
    await admin(MY, `create database ${database}`);
    out.push({
      label: 'MariaDB',
      db: { ...MY, database },
      drop: () => admin(MY, `drop database ${database}`),
    });
  } catch (err) {
    console.log(`MariaDB skipped: ${err.message}`);
  }
  return out;
}

console.log(`archive list with ${COUNT} archived workflows, page ${PAGE}, median of ${RUNS} runs (ms)`);
for (const place of await places()) {
  const archive = await openWorkflowArchive(place.db);
  const baseline = await openSession(place.db);
  try {
    const t0 = performance.now();
    const concurrency = place.db.type === 'sqlite' ? 1 : 8;
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < COUNT) await archive.archiveWorkflow(workflow(next++));
      }),
    );
    const fill = performance.now() - t0;
    // The planner's statistics, as autovacuum (PostgreSQL) and InnoDB's auto-recalculation keep
    // them in a running database: freshly filled tables have none, and PostgreSQL then picks
    // nested loops that make label queries hundreds of times slower.
    if (place.db.type === 'postgres') await baseline.exec('analyze');
    if (place.db.type === 'mysql')
      await baseline.query('analyze table argo_archived_workflows, argo_archived_workflows_labels');
    const base = `select uid, name from argo_archived_workflows where clustername = 'default' and instanceid = '' order by startedat desc limit ${PAGE}`;
    const cases = {
      'first page': () => archive.list({ limit: PAGE, offset: 0 }),
      [`page at offset ${Math.floor(COUNT / 2)}`]: () =>
        archive.list({ limit: PAGE, offset: Math.floor(COUNT / 2) }),
      'label-selected page (team=b,shard!=s3)': () =>
        archive.list({ limit: PAGE, offset: 0, labelSelector: 'team=b,shard!=s3' }),
      count: () => archive.count({ limit: 0, offset: 0 }),
    };
    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    const baseSamples = [];
    // Warm both paths once, then interleave.
    await baseline.query(base);
    for (const fn of Object.values(cases)) await fn();
    for (let r = 0; r < RUNS; r++) {
      baseSamples.push(await time(() => baseline.query(base)));
      for (const [k, fn] of Object.entries(cases)) samples[k].push(await time(fn));
    }
    const b = median(baseSamples);
    console.log(`\n${place.label} (filled in ${(fill / 1000).toFixed(1)} s)`);
    console.log(`  baseline ${base.replace(/\s+/g, ' ')}: ${b.toFixed(2)}`);
    for (const [k, xs] of Object.entries(samples)) {
      const m = median(xs);
      console.log(`  ${k.padEnd(42)} ${m.toFixed(2).padStart(8)}   ${(m / b).toFixed(1)}x baseline`);
    }
    const first = (await archive.list({ limit: PAGE, offset: 0 }))[0];
    if (first?.metadata.name !== `bench-${COUNT - 1}`)
      throw new Error(`first page starts with ${first?.metadata.name}, expected bench-${COUNT - 1}`);
  } finally {
    await baseline.close();
    await archive.close();
    await place.drop();
  }
}
