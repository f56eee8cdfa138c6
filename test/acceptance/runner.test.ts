// The acceptance runner's own pieces: how it reads manifest folders, matches expectations, keeps
// the ratchet, and kills a hung CLI with everything it started.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JS module without type declarations
import { collectManifests, findManifestFiles } from './lib/manifests.js';
// @ts-expect-error plain JS module without type declarations
import { expectationFor, loadExpectations } from './lib/expectations.js';
// @ts-expect-error plain JS module without type declarations
import { loadKnownFailures, ratchet, saveKnownFailures, updatedKnownFailures } from './lib/known-failures.js';
// @ts-expect-error plain JS module without type declarations
import { runNode } from './lib/processes.js';
import { processRunning } from '../helpers/process-state.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'argo-acceptance-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wf = (name: string, extra = '') =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: ${name}-\n${extra}spec:\n  entrypoint: main\n`;

describe('manifests', () => {
  it('finds manifests recursively, splits documents and sorts them by kind', () => {
    const root = path.join(dir, 'suite');
    mkdirSync(path.join(root, 'nested'), { recursive: true });
    writeFileSync(path.join(root, 'one.yaml'), wf('one'));
    writeFileSync(
      path.join(root, 'nested/many.yml'),
      `${wf('a')}---\napiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: t\n---\n${wf('b')}---\nkind: CronWorkflow\nmetadata:\n  name: c\n`,
    );
    writeFileSync(path.join(root, 'j.json'), JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'cm' } }));
    writeFileSync(path.join(root, 'broken.yaml'), 'kind: Workflow\nmetadata: [unclosed\n');
    writeFileSync(path.join(root, 'notes.txt'), 'not a manifest');

    const files = findManifestFiles([root]);
    expect(files.map((f: { fileKey: string }) => f.fileKey)).toEqual([
      'suite/broken.yaml',
      'suite/j.json',
      'suite/nested/many.yml',
      'suite/one.yaml',
    ]);
    const { setup, workflows, ignored } = collectManifests(files);
    expect(workflows.map((w: { key: string }) => w.key)).toEqual([
      'suite/broken.yaml',
      'suite/nested/many.yml#1',
      'suite/nested/many.yml#2',
      'suite/one.yaml',
    ]);
    expect(setup.map((s: { kind: string; name: string }) => `${s.kind}/${s.name}`)).toEqual([
      'ConfigMap/cm',
      'WorkflowTemplate/t',
    ]);
    expect(ignored.map((s: { kind: string }) => s.kind)).toEqual(['CronWorkflow']);
    const b = workflows[2];
    expect(b.wholeFile).toBe(false);
    expect(b.text).toContain('generateName: b-');
    expect(b.text).not.toContain('generateName: a-');
    expect(workflows[3].wholeFile).toBe(true);
  });
});

describe('expectations', () => {
  it('matches entries by path suffix, a file#N entry before its file entry, and defaults to Succeeded', () => {
    const file = path.join(dir, 'exp.yaml');
    writeFileSync(
      file,
      'examples/a.yaml:\n  phase: Failed\n  timeout: 5\nexamples/m.yaml:\n  skip: needs a cluster\nexamples/m.yaml#2:\n  phase: [Succeeded, Error]\n',
    );
    const entries = loadExpectations(file);
    const doc = (key: string, fileKey = key) => ({ key, fileKey, labels: {} });
    expect(expectationFor(entries, doc('reference/examples/a.yaml'), 120)).toMatchObject({
      phases: ['Failed'],
      timeoutSec: 5,
      attempts: 1,
    });
    expect(expectationFor(entries, doc('examples/m.yaml#1', 'examples/m.yaml'), 120).skip).toBe(
      'needs a cluster',
    );
    expect(expectationFor(entries, doc('examples/m.yaml#2', 'examples/m.yaml'), 120)).toMatchObject({
      phases: ['Succeeded', 'Error'],
      skip: undefined,
    });
    expect(expectationFor(entries, doc('examples/other.yaml'), 120)).toMatchObject({
      phases: ['Succeeded'],
      timeoutSec: 120,
    });
  });

  it('rejects unknown fields and phases, naming the entry', () => {
    const file = path.join(dir, 'bad.yaml');
    writeFileSync(file, 'examples/a.yaml:\n  phse: Failed\n');
    expect(() => loadExpectations(file)).toThrow(/examples\/a\.yaml: unknown field "phse"/);
    writeFileSync(file, 'examples/a.yaml:\n  phase: Done\n');
    expect(() => loadExpectations(file)).toThrow(/phase "Done"/);
  });

  it('the project expectations file loads', () => {
    expect(loadExpectations(path.join(__dirname, 'expectations.yaml')).size).toBeGreaterThan(50);
  });
});

describe('ratchet', () => {
  const known = new Map([
    ['examples/listed-failing.yaml', 'artifacts not built'],
    ['examples/listed-passing.yaml', 'was broken'],
    ['examples/not-run.yaml', 'still listed'],
  ]);
  const results = [
    {
      key: 'examples/listed-failing.yaml',
      fileKey: 'examples/listed-failing.yaml',
      outcome: 'fail',
      reason: 'x',
    },
    { key: 'examples/listed-passing.yaml', fileKey: 'examples/listed-passing.yaml', outcome: 'pass' },
    {
      key: 'examples/new-failure.yaml',
      fileKey: 'examples/new-failure.yaml',
      outcome: 'fail',
      reason: 'expected Succeeded, got Failed',
    },
    { key: 'examples/skipped.yaml', fileKey: 'examples/skipped.yaml', outcome: 'skip', reason: 'cluster' },
  ];

  it('reports unlisted failures as regressions and listed passes as now passing', () => {
    const { regressions, nowPassing } = ratchet(results, known);
    expect(regressions.map((r: { key: string }) => r.key)).toEqual(['examples/new-failure.yaml']);
    expect(nowPassing.map((r: { key: string }) => r.key)).toEqual(['examples/listed-passing.yaml']);
  });

  it('--update-known keeps reasons, adds new failures with their message, drops passes, keeps entries not run', async () => {
    const next = updatedKnownFailures(results, known);
    expect(Object.fromEntries(next)).toEqual({
      'examples/not-run.yaml': 'still listed',
      'examples/listed-failing.yaml': 'artifacts not built',
      'examples/new-failure.yaml': 'expected Succeeded, got Failed',
    });
    const file = path.join(dir, 'known.yaml');
    await saveKnownFailures(file, next);
    expect(readFileSync(file, 'utf8')).toMatch(/^# /);
    expect(Object.fromEntries(loadKnownFailures(file))).toEqual(Object.fromEntries(next));
  });
});

describe('runNode', () => {
  it('kills a hung process and what it started at the timeout', async () => {
    const pidFile = path.join(dir, 'grandchild.pid');
    const script = `const c = require('child_process').spawn('sleep', ['60'], { stdio: 'ignore' });
      require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(c.pid)); setInterval(() => {}, 1000);`;
    const r = await runNode(['-e', script], { env: process.env, cwd: dir, timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(processRunning(grandchild)).toBe(false);
  });
});
