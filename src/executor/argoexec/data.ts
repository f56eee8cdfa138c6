// `argoexec data`, the main container of a data template: lists the source's artifact keys, runs
// the transformations over them, and reports the JSON left as the node's result.
import { processData } from '../host/data-template.js';
import { podSettings } from './context.js';
import { repositoriesFor, type ExecutorRun } from './init.js';
import { reporterFor } from './task-result.js';
import { ExecutorErrors } from './wait.js';
import { writeTerminateMessage } from './terminate-message.js';

export async function runData(run: ExecutorRun): Promise<void> {
  const settings = podSettings(run.env);
  const data = settings.template.data;
  const reporter = await reporterFor(settings, run);
  let failure: Error | undefined;
  try {
    if (!data) throw new Error('no data template found');
    let result: string;
    try {
      result = await processData(data, repositoriesFor(run.api, run.env), settings.template.archiveLocation);
    } catch (err) {
      throw new Error(`unable to process data template: ${(err as Error).message}`);
    }
    await reporter.report({ result });
  } catch (err) {
    failure = err as Error;
  } finally {
    await reporter.finalize().catch((err: Error) => (failure ??= err));
  }
  if (failure) {
    run.log.error('executor error', { error: failure.message });
    writeTerminateMessage(failure.message, run.env);
    throw new ExecutorErrors(failure);
  }
}
