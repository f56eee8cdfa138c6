// Runs the built CLI (`node bin/argo.js`) as a user would, on the local backend with its own
// ARGO_HOME, so test files can run in parallel without seeing each other's workflows.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { stopProcessesOfHome } from './home-processes.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixture = (name: string): string => path.join(repoRoot, 'test/e2e/fixtures', name);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
  /** A file descriptor to give the CLI as its stdout instead of a pipe read into `stdout`. */
  stdoutFd?: number;
}

export interface Cli {
  home: string;
  run(args: string[], opts?: RunOptions): Promise<CliResult>;
  /** Stops what still runs for the home (a detached controller) and removes the home. */
  dispose(): Promise<void>;
}

/** A CLI bound to a fresh ARGO_HOME in a temp folder. */
export function cliWithHome(): Cli {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-e2e-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', NO_COLOR: '1' };
  for (const k of ['ARGO_SERVER', 'ARGO_TOKEN', 'ARGO_NAMESPACE', 'KUBECONFIG', 'FORCE_COLOR']) delete env[k];
  return {
    home,
    run: (args, opts = {}) =>
      runArgo(args, { ...env, ...opts.env }, opts.cwd ?? repoRoot, opts.timeoutMs ?? 20_000, opts.stdoutFd),
    dispose: async () => {
      await stopProcessesOfHome(home);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A CLI with its own ARGO_HOME for the test file that calls this: made before, removed after its tests. */
export function useCli(): Pick<Cli, 'run'> {
  let cli: Cli | undefined;
  beforeAll(() => {
    cli = cliWithHome();
  });
  afterAll(() => cli?.dispose());
  return { run: (args, opts) => cli!.run(args, opts) };
}

function runArgo(
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
  stdoutFd?: number,
): Promise<CliResult> {
  return runProcess(
    process.execPath,
    [path.join(repoRoot, 'bin/argo.js'), ...args],
    env,
    cwd,
    timeoutMs,
    stdoutFd,
  );
}

/** Runs a program to its end in its own process group (killed whole on timeout), collecting its output. */
export function runProcess(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
  stdoutFd?: number,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      reject(
        new Error(
          `${path.basename(file)} ${args.join(' ')} did not finish within ${timeoutMs} ms\n${stdout}${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/**
 * A workflow `name` of two steps in sequence whose parameter `num` is '1', then '2'. Each runs `sh -c
 * script` (where `{{inputs.parameters.num}}` is the step's number) with the host folder `marks`
 * mounted at the same path, so the test can watch and steer the steps through files there.
 */
export function twoStepsOnHost(name: string, marks: string, script: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ${name}}
spec:
  entrypoint: main
  volumes: [{name: marks, hostPath: {path: ${marks}}}]
  templates:
  - name: main
    steps:
    - - {name: one, template: step, arguments: {parameters: [{name: num, value: '1'}]}}
    - - {name: two, template: step, arguments: {parameters: [{name: num, value: '2'}]}}
  - name: step
    inputs: {parameters: [{name: num}]}
    container: {image: busybox, command: [sh, -c, '${script}'], volumeMounts: [{name: marks, mountPath: ${marks}}]}
`;
}
