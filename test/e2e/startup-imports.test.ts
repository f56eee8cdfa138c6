// DESIGN.md: `argo version` and `argo --help` must not import the Kubernetes client, fastify,
// SQLite or the PostgreSQL/MySQL drivers, which would make every start-up pay for them. A module
// hook logs what the CLI loads.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot } from './cli.js';

const HEAVY = ['@kubernetes/client-node', 'fastify', 'better-sqlite3', 'pg', 'mysql2'];
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'argo-imports-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadedBy(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; heavy: string[] } {
  const log = path.join(dir, `imports-${Math.random().toString(36).slice(2)}.log`);
  const r = spawnSync(
    process.execPath,
    ['--import', fixture('import-log/register.mjs'), path.join(repoRoot, 'bin/argo.js'), ...args],
    { env: { ...process.env, IMPORT_LOG: log, KUBECONFIG: '/dev/null', ...env }, encoding: 'utf8' },
  );
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  // The hook works: the CLI's own entry point is in the log.
  expect(urls.some((u) => u.endsWith('/dist/cli/main.js'))).toBe(true);
  const heavy = HEAVY.filter((h) => urls.some((u) => u.includes(`/node_modules/${h}/`)));
  return { status: r.status, heavy };
}

describe('start-up imports', () => {
  it.each([[['version']], [['--help']], [['argoexec', '--help']]])(
    'argo %j loads no heavy module',
    (args) => {
      const r = loadedBy(args);
      expect(r.status).toBe(0);
      expect(r.heavy).toEqual([]);
    },
  );

  it('does see the Kubernetes client when a command talks to Kubernetes', () => {
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]',
        'users: [{name: u, user: {}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
        '',
      ].join('\n'),
    );
    const r = loadedBy(['list'], { KUBECONFIG: kubeconfig, ARGO_LOCAL: '', ARGO_SERVER: '' });
    expect(r.status).toBe(1);
    expect(r.heavy).toEqual(['@kubernetes/client-node']);
  });
});
