// `argo server` as a child process on the local backend over a given ARGO_HOME, for tests that talk
// to it (the CLI's http backend, the web UI in a browser).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openStore } from '../../src/store/index.js';
import { repoRoot } from './cli.js';

/** Starts `argo server` on a free port over `home` (with `env` added); resolves with the port once it listens. */
export function startServer(
  home: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<{ port: number; child: ChildProcess; log: () => string }> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/argo.js'), 'server', '--port', '0', ...args],
    {
      env: { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', ARGO_SERVER: '', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`argo server did not start:\n${output}`)), 20_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /msg="Argo Server started successfully" url=https?:\/\/localhost:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child, log: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`argo server exited with ${code}:\n${output}`));
    });
  });
}

export function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** Writes the controller configuration (`workflow-controller-configmap` in argo) into the home's store, before a server starts over it. */
export async function writeControllerConfig(home: string, data: Record<string, string>): Promise<void> {
  const store = openStore({ path: path.join(home, 'argo.db') });
  try {
    await store.create('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
      data,
    } as never);
  } finally {
    await store.close();
  }
}

/**
 * Writes a controller configuration whose `persistence:` archives into a PostgreSQL (`postgresql`)
 * or MySQL (`mysql`) database, offloading nodes to `argo_workflows`, with the user (and an empty
 * password) in the Secret `argo-db` it names, as upstream's configuration takes them.
 */
export async function writeArchiveDatabaseConfig(
  home: string,
  db: { kind: 'postgresql' | 'mysql'; port: number; database: string; user: string },
): Promise<void> {
  const store = openStore({ path: path.join(home, 'argo.db') });
  try {
    await store.create('Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argo-db', namespace: 'argo' },
      data: { username: Buffer.from(db.user).toString('base64'), password: '' },
    } as never);
  } finally {
    await store.close();
  }
  await writeControllerConfig(home, {
    persistence: [
      'archive: true',
      'nodeStatusOffLoad: true',
      `${db.kind}:`,
      '  host: 127.0.0.1',
      `  port: ${db.port}`,
      `  database: ${db.database}`,
      '  tableName: argo_workflows',
      '  userNameSecret: {name: argo-db, key: username}',
      '  passwordSecret: {name: argo-db, key: password}',
    ].join('\n'),
  });
}
