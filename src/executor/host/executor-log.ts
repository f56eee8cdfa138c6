// What the host runtime does as argoexec (staging inputs before the containers, saving outputs
// after them), written as the init and wait containers' logs so `argo logs -c init` and
// `argo logs -c wait` show it as they do upstream. The lines are argoexec's own format.
import { appendFile } from 'node:fs/promises';
import type { Outputs } from '../../model/template.js';
import { locationKey } from '../../artifacts/location.js';
import { executorLog, type ExecutorLog } from '../argoexec/log.js';
import { containerLogPath } from '../paths.js';
import type { StagedInput } from './artifacts.js';
import { logLines } from './line-log.js';

export interface OpenExecutorLog extends ExecutorLog {
  /** Resolves once every line is in the file: the log's done marker must not come before them. */
  close(): Promise<void>;
}

/**
 * An executor log written to the pod's `container` log file (init or wait). Its lines are
 * appended through the thread pool, in order, those written together in one call: on the way to
 * a pod's start the engine's thread makes no file system call for them. A line that cannot be
 * written is lost, as upstream's would be; the pod goes on.
 */
export function openExecutorLog(
  home: string,
  namespace: string,
  podName: string,
  container: string,
  templateName: string,
): OpenExecutorLog {
  const file = containerLogPath(home, namespace, podName, container);
  let pending: Buffer[] = [];
  let written = Promise.resolve();
  let closed = false;
  const flush = (): Promise<void> => {
    const data = Buffer.concat(pending);
    pending = [];
    return appendFile(file, data);
  };
  const log = executorLog('info', 'text', (line) => {
    if (closed) return;
    if (pending.length === 0) written = written.then(flush).catch(() => undefined);
    // Stamped now, as written, not when the batch reaches the file.
    pending.push(logLines([Buffer.from(line.replace(/\n$/, ''))]));
  });
  log.info('Starting Workflow Executor', { podName, templateName });
  return {
    ...log,
    close: () => {
      closed = true;
      return written;
    },
  };
}

/** The init container's account of the inputs it placed. */
export function logInputs(log: ExecutorLog, inputs: readonly StagedInput[]): void {
  if (inputs.length === 0) return;
  log.info('Start loading input artifacts...');
  for (const input of inputs) log.info('Successfully download file', { name: input.name, path: input.path });
  log.info('Alloc artifacts done');
}

/** The wait container's account of the outputs it saved, and the error that failed the pod. */
export function logOutputs(log: ExecutorLog, outputs: Outputs, error: string | undefined): void {
  const parameters = outputs.parameters ?? [];
  if (parameters.length === 0) log.info('No output parameters');
  else log.info('Saving output parameters');
  for (const p of parameters)
    log.info('saved parameter', { name: p.name, path: p.valueFrom?.path ?? '', value: p.value ?? '' });
  const artifacts = outputs.artifacts ?? [];
  if (artifacts.length === 0) log.info('No output artifacts');
  else log.info('Saving output artifacts');
  for (const a of artifacts) log.info('saved artifact', { name: a.name, key: locationKey(a) });
  if (error) log.error('executor error', { error });
}
