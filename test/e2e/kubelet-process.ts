// `argo kubelet` as its own process, for the cluster-on-one-machine suites: started against the
// fake API server's kubeconfig, it runs the pods the API holds and serves their pods/exec and
// pods/log (the API server finds it through its node Lease). It can be killed with SIGKILL mid-run and started again
// on the same home, as a node's kubelet crashes and restarts while its containers run on.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { until } from '../helpers/until.js';
import { repoRoot } from './cli.js';

export interface KubeletProcess {
  /** Everything it has written to stdout and stderr, over every start. */
  output(): string;
  /** The pid of the running process (changes on restart). */
  pid(): number;
  /** SIGKILL: the process dies at once, the pods it runs do not. */
  kill9(): Promise<void>;
  /** Starts it again on the same home (after kill9). */
  restart(): Promise<void>;
  /** SIGTERM, as a node is drained: it stops its pods and exits. */
  stop(): Promise<void>;
}

const STARTED = /msg="kubelet started" .*exec="(http:\/\/127\.0\.0\.1:\d+)"/;

export async function startKubeletProcess(kubeconfig: string, home: string): Promise<KubeletProcess> {
  let out = '';
  let child: ChildProcess;
  let exited: Promise<void>;
  const start = async (): Promise<void> => {
    const from = out.length;
    child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin/argo.js'),
        'kubelet',
        '--kubeconfig',
        kubeconfig,
        '--home',
        home,
        '--port',
        '0',
        '--grace-period',
        '1',
      ],
      {
        env: { ...process.env, KUBECONFIG: '', ARGO_LOCAL: '', ARGO_SERVER: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const died = exited.then(() => {
      throw new Error(`argo kubelet exited while starting:\n${out.slice(from)}`);
    });
    await Promise.race([
      died,
      until(`argo kubelet started:\n${out.slice(from)}`, 30_000, () =>
        STARTED.test(out.slice(from)) ? true : undefined,
      ),
    ]);
    void died.catch(() => undefined);
  };
  const signal = async (sig: NodeJS.Signals, deadlineMs: number): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill(sig);
    const late = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
    await exited;
    clearTimeout(late);
  };
  await start();
  return {
    output: () => out,
    pid: () => child.pid!,
    kill9: () => signal('SIGKILL', 0),
    restart: start,
    stop: () => signal('SIGTERM', 20_000),
  };
}
