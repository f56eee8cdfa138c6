// The folders of Argo's pod contract that argoexec reads and writes inside a pod: the shared
// /var/run/argo volume (the template, per-container exit codes and signals, saved outputs), the
// input-artifacts and staging volumes the init container fills, and /mainctrfs, where the wait
// container sees the main container's volume mounts.
//
// ARGOEXEC_ROOT (ours, not upstream's) puts all of them under one folder, so argoexec can run as
// plain processes on a host — tests do that — where these absolute paths are not private volumes.
import path from 'node:path';

export const ROOT_ENV = 'ARGOEXEC_ROOT';

/** A pod-contract path, under ARGOEXEC_ROOT when it is set. */
export function podPath(absolute: string, env: NodeJS.ProcessEnv = process.env): string {
  const root = env[ROOT_ENV];
  return root ? path.join(root, absolute) : absolute;
}

export const VAR_RUN_ARGO = '/var/run/argo';
export const INPUT_ARTIFACTS_DIR = '/argo/inputs/artifacts';
export const MAIN_FS_DIR = '/mainctrfs';
export const STAGING_DIR = '/argo/staging';
export const SCRIPT_SOURCE = '/argo/staging/script';

export interface ContractPaths {
  varRunArgo: string;
  /** JSON of the template, written by init (legacy layout). */
  template: string;
  /** The copy of argoexec that main containers run as their entrypoint. */
  binary: string;
  inputArtifacts: string;
  mainFs: string;
  scriptSource: string;
  ctrDir(container: string): string;
  exitCode(container: string): string;
  signal(container: string): string;
  stdout(container: string): string;
  combined(container: string): string;
  /** Where main's emissary copies an output parameter's file (`/tmp/x` -> outputs/parameters/tmp/x). */
  savedParameter(srcPath: string): string;
  /** Where main's emissary tars an output artifact's path (`/tmp/x` -> outputs/artifacts/tmp/x.tgz). */
  savedArtifact(srcPath: string): string;
}

export function contractPaths(env: NodeJS.ProcessEnv = process.env): ContractPaths {
  const run = podPath(VAR_RUN_ARGO, env);
  const ctr = (name: string) => path.join(run, 'ctr', name);
  return {
    varRunArgo: run,
    template: path.join(run, 'template'),
    binary: path.join(run, 'argoexec'),
    inputArtifacts: podPath(INPUT_ARTIFACTS_DIR, env),
    mainFs: podPath(MAIN_FS_DIR, env),
    scriptSource: podPath(SCRIPT_SOURCE, env),
    ctrDir: ctr,
    exitCode: (name) => path.join(ctr(name), 'exitcode'),
    signal: (name) => path.join(ctr(name), 'signal'),
    stdout: (name) => path.join(ctr(name), 'stdout'),
    combined: (name) => path.join(ctr(name), 'combined'),
    savedParameter: (src) => path.join(run, 'outputs', 'parameters', src),
    savedArtifact: (src) => path.join(run, 'outputs', 'artifacts', `${src.replace(/\/+$/, '')}.tgz`),
  };
}
