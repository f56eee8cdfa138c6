// How one container learns that the main containers ended, and how it ends a container: each
// emissary writes /var/run/argo/ctr/NAME/exitcode when its command is over, and delivers the
// signal number written to /var/run/argo/ctr/NAME/signal. A process of another container cannot
// be signalled directly, so these files are the whole channel.
import { mkdirSync, readFileSync } from 'node:fs';
import type { ContractPaths } from './pod-paths.js';
import { writeSignalFile } from './signal-file.js';
import { parseIntFile, waitForFile } from './watch-file.js';

export class WaitAborted extends Error {}

/** Resolves once every container has written its exit code; rejects with WaitAborted on abort. */
export async function waitForExitCodes(
  paths: ContractPaths,
  containers: string[],
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  for (const name of containers) mkdirSync(paths.ctrDir(name), { recursive: true, mode: 0o777 });
  try {
    await Promise.all(containers.map((c) => waitForFile(paths.exitCode(c), signal)));
  } catch (err) {
    if (signal.aborted) throw new WaitAborted('waiting for the containers to exit was interrupted');
    throw err;
  }
}

/** The exit code a container's emissary wrote, if it did. */
export function readExitCode(paths: ContractPaths, container: string): number | undefined {
  try {
    return parseIntFile(readFileSync(paths.exitCode(container), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * SIGTERM to each container, then SIGKILL to all after the grace period unless they have exited;
 * resolves when they have or, 10 s after the SIGKILL, regardless. Aborting `signal` stops it.
 */
export async function killContainers(
  paths: ContractPaths,
  containers: string[],
  graceMs: number,
  signal?: AbortSignal,
): Promise<void> {
  for (const name of containers) writeSignalFile(paths.signal(name), 15);
  if (await exitedWithin(paths, containers, graceMs, signal)) return;
  if (signal?.aborted) return;
  for (const name of containers) writeSignalFile(paths.signal(name), 9);
  await exitedWithin(paths, containers, 10_000, signal);
}

async function exitedWithin(
  paths: ContractPaths,
  containers: string[],
  ms: number,
  outer?: AbortSignal,
): Promise<boolean> {
  const stop = outer ? AbortSignal.any([outer, AbortSignal.timeout(ms)]) : AbortSignal.timeout(ms);
  try {
    await waitForExitCodes(paths, containers, stop);
    return true;
  } catch (err) {
    if (err instanceof WaitAborted) return false;
    throw err;
  }
}
