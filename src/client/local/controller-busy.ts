// Whether a detached controller has work to do, which is what keeps it from its idle exit. Leading,
// its work is the workflows and cron workflows it runs. Not leading, it is idle while another live
// controller leads (that one does the work); but with none leading and work left (a lease that
// lapsed because the store could not be written, a leader that died) it is the one to take the
// work on once it can: going then, it would leave the work to a successor that meets the same.
import type { ResourceStore } from '../../store/types.js';
import { controllerRunning } from './controller-process.js';
import type { Engine } from './engine.js';

/** What of the engine tells whether it has work. */
type EngineWork = Pick<Engine, 'isLeader' | 'activeWorkflowCount' | 'scheduledCronCount'>;
import { unfinishedWork } from './heal.js';

export async function controllerBusy(
  engine: EngineWork,
  store: ResourceStore,
  home: string,
): Promise<boolean> {
  if (engine.isLeader) return engine.activeWorkflowCount() > 0 || engine.scheduledCronCount() > 0;
  if (await controllerRunning(store, { besidesThisProcess: true })) return false;
  return unfinishedWork(store, home);
}
