// The engine as another process sees it: whether some process leads (holds the controller lease)
// and how to start a detached `argo workflow-controller`. Kept apart from the engine itself so that
// commands which only need to know this (a read, a delete) do not load the controller.
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { CLI_LAUNCHER } from '../../package-files.js';
import { leaseHolder, readLease, releaseLease } from '../../store/lease.js';
import type { ResourceStore } from '../../store/types.js';

import { CONTROLLER_LEASE, holderIsThisProcess, holderProcessGone } from './controller-lease.js';

export { CONTROLLER_LEASE };

/**
 * Whether a live process (this one or another; with `besidesThisProcess`, another) holds the
 * controller lease. A lease whose holder is a process of this machine that no longer exists (kill
 * -9, a crash) is released on its behalf, as the holder would on a clean exit: waiting out its
 * expiry would only delay the takeover.
 */
export async function controllerRunning(
  store: ResourceStore,
  opts: { besidesThisProcess?: boolean } = {},
): Promise<boolean> {
  const holder = leaseHolder(await readLease(store, CONTROLLER_LEASE));
  if (holder === undefined) return false;
  // Ours still, when a store that could not be written kept us from renewing or releasing it.
  if (opts.besidesThisProcess && holderIsThisProcess(holder)) return false;
  if (!holderProcessGone(holder)) return true;
  // A conflict means someone else just took or released it.
  await releaseLease(store, { name: CONTROLLER_LEASE, holder }).catch(() => false);
  return false;
}

/** Seconds a detached controller stays up with nothing to do. */
export const IDLE_EXIT_ENV = 'ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS';

/** Starts `argo workflow-controller` in the background, logging to `<home>/controller.log`. */
export function spawnDetachedController(home: string): void {
  mkdirSync(home, { recursive: true });
  const logFd = openSync(path.join(home, 'controller.log'), 'a');
  // Node's child_process is loaded here, when a controller is started: the commands that only ask
  // whether one runs (every read on this backend) do not load it.
  const { spawn } = process.getBuiltinModule('node:child_process');
  const child = spawn(process.execPath, [CLI_LAUNCHER, 'workflow-controller'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: {
      ...process.env,
      ARGO_HOME: home,
      ARGO_LOCAL: 'true',
      [IDLE_EXIT_ENV]: process.env[IDLE_EXIT_ENV] ?? '60',
    },
  });
  child.unref();
}
