// `argo server` as its own process (the built CLI, loopback only) over a given ARGO_HOME, and the
// figures the load tests read from it. Needs `npm run build` first, as the e2e tests do.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Workflow } from '../../../src/model/workflow.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

export function startServer(home: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/argo.js'), 'server', '--port', '0', '--secure=false', '--auth-mode', 'server'],
    {
      env: { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', ARGO_SERVER: '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /msg="Argo Server started successfully" url=(http:\/\/localhost:\d+)/.exec(output);
      if (m) resolve({ child, url: m[1].replace('localhost', '127.0.0.1'), output: () => output });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`argo server exited with ${code}:\n${output}`)));
  });
}

export async function stopServer(server: ServerProcess | undefined): Promise<void> {
  const child = server?.child;
  if (!child || child.exitCode !== null) return;
  child.removeAllListeners('exit');
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The process's peak resident set so far, in MiB. */
export function peakRssMb(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

export function finished(name: string, extra: Partial<Workflow> = {}): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name, namespace: 'default', ...extra.metadata },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
    status: {
      phase: 'Succeeded',
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      ...extra.status,
    },
  } as Workflow;
}

/** About `count` KB of node status: `count` nodes of about 1 KB. */
export function largeNodes(prefix: string, count: number): Record<string, unknown> {
  const nodes: Record<string, unknown> = {};
  for (let i = 0; i < count; i++) {
    const id = `${prefix}-${i}`;
    nodes[id] = {
      id,
      name: `${prefix}[${i}].step`,
      displayName: 'step',
      type: 'Pod',
      phase: 'Succeeded',
      templateName: 'main',
      message: 'm'.repeat(800),
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
    };
  }
  return nodes;
}
