// Kubernetes shows a container's /dev/termination-log as the reason it ended; the controller turns
// it into the node's message, so argoexec writes its first error there before exiting.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { podPath } from './pod-paths.js';

export const TERMINATION_LOG = '/dev/termination-log';

export function writeTerminateMessage(message: string, env: NodeJS.ProcessEnv = process.env): void {
  const file = podPath(TERMINATION_LOG, env);
  try {
    if (file !== TERMINATION_LOG) mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, message, { mode: 0o600 });
  } catch (err) {
    // Outside a pod there may be no such file to write; the error is still on stderr.
    process.stderr.write(`unable to write termination log: ${(err as Error).message}\n`);
  }
}
