// What the host runtime does as argoexec (staging inputs before the containers, saving outputs
// after them), written as the init and wait containers' logs so `argo logs -c init` and
// `argo logs -c wait` show it as they do upstream. The lines are argoexec's own format.
import type { Outputs } from '../../model/template.js';
import { locationKey } from '../../artifacts/location.js';
import { executorLog, type ExecutorLog } from '../argoexec/log.js';
import { containerLogPath } from '../paths.js';
import type { StagedInput } from './artifacts.js';
import { LineLog } from './line-log.js';

export interface OpenExecutorLog extends ExecutorLog {
  close(): void;
}

/** An executor log written to the pod's `container` log file (init or wait). */
export function openExecutorLog(
  home: string,
  namespace: string,
  podName: string,
  container: string,
  templateName: string,
): OpenExecutorLog {
  const file = LineLog.open(containerLogPath(home, namespace, podName, container));
  const log = executorLog('info', 'text', (line) => file.write([Buffer.from(line.replace(/\n$/, ''))]));
  log.info('Starting Workflow Executor', { podName, templateName });
  return { ...log, close: () => file.close() };
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
