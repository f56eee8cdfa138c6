// A store file the CLI cannot use: damaged, locked, or in a folder it cannot write. Each is one
// line naming the real path of $ARGO_HOME/argo.db, the cause, and what to do, with a non-zero exit.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { lines, repoRoot } from './cli.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'argo-store-open-'));
// Readable by any user, so the CLI can also run as an unprivileged one below.
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

function freshHome(name: string): string {
  const home = path.join(root, name);
  mkdirSync(home, { recursive: true });
  return home;
}

interface Result {
  code: number | null;
  stderr: string;
}

/** `argo list` on the local backend with `home` as ARGO_HOME, run through `wrapper` if given. */
function argoList(home: string, wrapper: string[] = []): Promise<Result> {
  const argv = [...wrapper, process.execPath, path.join(repoRoot, 'bin/argo.js'), 'list'];
  const env = { PATH: process.env.PATH, ARGO_HOME: home, ARGO_LOCAL: 'true', NO_COLOR: '1' };
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { env, cwd: root, timeout: 30_000 }, (err, _stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr });
    });
  });
}

function expectOneLine(r: Result, ...parts: string[]): void {
  expect(r.code).not.toBe(0);
  expect(lines(r.stderr)).toHaveLength(1);
  for (const part of parts) expect(r.stderr).toContain(part);
}

const canRun = (cmd: string, args: string[]): boolean => spawnSync(cmd, args).status === 0;
const isRoot = process.getuid?.() === 0;
const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

describe('opening $ARGO_HOME/argo.db', () => {
  it('names a damaged file and says to move it aside', async () => {
    const home = freshHome('damaged');
    writeFileSync(
      path.join(home, 'argo.db'),
      'this is not a database, just text that is long enough\n'.repeat(100),
    );
    const r = await argoList(home);
    expectOneLine(r, `${path.join(home, 'argo.db')}: damaged (file is not a database)`, 'move it aside');
  });

  it('names a file locked by another process', async () => {
    const home = freshHome('locked');
    expect((await argoList(home)).code).toBe(0);
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const holder = new Database(path.join(home, 'argo.db'));
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.exec('BEGIN EXCLUSIVE');
      const r = await argoList(home);
      expectOneLine(r, `${path.join(home, 'argo.db')}: locked by another process`, 'retry');
    } finally {
      holder.close();
    }
  }, 40_000);

  it('names a folder that is not a database file', async () => {
    const home = freshHome('folder');
    mkdirSync(path.join(home, 'argo.db'));
    const r = await argoList(home);
    expectOneLine(r, `${path.join(home, 'argo.db')}: is a directory`);
  });

  // As root the CLI runs as nobody, who must be able to reach this Node and this checkout (not so
  // in a private temporary folder).
  it.skipIf(
    isRoot &&
      !canRun('setpriv', [...asNobody, process.execPath, path.join(repoRoot, 'bin/argo.js'), 'version']),
  )('names a home the user may not write, with EACCES', async () => {
    const parent = freshHome('no-access');
    chmodSync(parent, 0o555);
    const r = await argoList(path.join(parent, 'home'), isRoot ? asNobody : []);
    expectOneLine(r, `${path.join(parent, 'home', 'argo.db')}: permission denied (EACCES)`, 'ARGO_HOME');
  });

  it.skipIf(!canRun('unshare', ['-rm', 'true']))(
    'names a home on a read-only file system, with EROFS',
    async () => {
      const parent = freshHome('read-only');
      // A private mount namespace makes the folder read-only for the CLI only.
      const remount = `mount --bind "${parent}" "${parent}" && mount -o remount,bind,ro "${parent}" && exec "$@"`;
      for (const home of [path.join(parent, 'new-home'), parent]) {
        const r = await argoList(home, ['unshare', '-rm', 'sh', '-c', remount, 'sh']);
        expectOneLine(r, `${path.join(home, 'argo.db')}: read-only file system (EROFS)`, 'ARGO_HOME');
      }
    },
  );
});
