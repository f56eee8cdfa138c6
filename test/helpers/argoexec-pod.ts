// A pod of Argo's legacy layout played with plain processes: `argo argoexec init`, then the main
// container's command under the emissary (through the copy init left in /var/run/argo) beside
// `argo argoexec wait`. ARGOEXEC_ROOT stands in for the pod's volumes; the kubeconfig points the
// executor at a (fake) Kubernetes API.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Template } from '../../src/model/template.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface PodEnv {
  root: string;
  home: string;
  kubeconfig: string;
  template: Template;
  nodeId?: string;
  extra?: NodeJS.ProcessEnv;
}

export function podEnv(p: PodEnv, container: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ARGOEXEC_ROOT: p.root,
    ARGO_HOME: p.home,
    KUBECONFIG: p.kubeconfig,
    ARGO_POD_NAME: 'wf-1-main-123',
    ARGO_NODE_ID: p.nodeId ?? 'wf-1-123',
    ARGO_WORKFLOW_NAME: 'wf-1',
    ARGO_WORKFLOW_UID: 'uid-1',
    ARGO_CONTAINER_NAME: container,
    ARGO_TEMPLATE: JSON.stringify(p.template),
    ARGO_INCLUDE_SCRIPT_OUTPUT: 'false',
    ...p.extra,
  };
  for (const k of ['ARGO_SERVER', 'ARGO_TOKEN', 'ARGO_NAMESPACE', 'ARGO_LOCAL']) delete env[k];
  return env;
}

export function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `argo argoexec ARGS`: this checkout's bin/argo.js, or the `argo` executable given (an installed one). */
export function argoexec(args: string[], env: NodeJS.ProcessEnv, entrypoint?: string): Promise<Exit> {
  return entrypoint
    ? run(entrypoint, ['argoexec', ...args], env)
    : run(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'argoexec', ...args], env);
}

export interface PodRun {
  init: Exit;
  main?: Exit;
  wait?: Exit;
}

/**
 * init; then, if it succeeded, main (argv under the emissary) and wait side by side. The
 * executor is `entrypoint` when given (as the image's), else this checkout's.
 */
export async function runPod(p: PodEnv, mainArgv: string[], entrypoint?: string): Promise<PodRun> {
  const init = await argoexec(['init'], podEnv(p, 'init'), entrypoint);
  if (init.code !== 0) return { init };
  const binary = path.join(p.root, 'var/run/argo/argoexec');
  const [main, wait] = await Promise.all([
    run(binary, ['emissary', '--', ...mainArgv], podEnv(p, 'main')),
    argoexec(['wait'], podEnv(p, 'wait'), entrypoint),
  ]);
  return { init, main, wait };
}

export function terminationMessage(root: string): string | undefined {
  try {
    return readFileSync(path.join(root, 'dev/termination-log'), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * A pod of its own below `dir` (its volumes root and argo home made), talking to the API that
 * `kubeconfig` names; executor retries are quick so a failing API fails the test fast.
 */
export function podIn(
  dir: string,
  kubeconfig: string,
  template: Template,
  nodeId: string,
  extra: NodeJS.ProcessEnv = {},
): PodEnv {
  const root = path.join(dir, 'root');
  const home = path.join(dir, 'home');
  mkdirSync(root, { recursive: true });
  mkdirSync(home, { recursive: true });
  return {
    root,
    home,
    kubeconfig,
    template,
    nodeId,
    extra: { EXECUTOR_RETRY_BACKOFF_DURATION: '10ms', ...extra },
  };
}
