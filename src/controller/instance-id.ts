// Controller instance IDs, as upstream's: a controller configured with an instanceID owns only the
// workflows and cron workflows labelled with it; one without owns only unlabelled ones.
import { LABEL_CONTROLLER_INSTANCE_ID } from '../executor/host/task-result.js';

/** The label selector for what a controller instance owns ('' : no instance ID). */
export function instanceIdSelector(instanceId: string): string {
  return instanceId ? `${LABEL_CONTROLLER_INSTANCE_ID}=${instanceId}` : `!${LABEL_CONTROLLER_INSTANCE_ID}`;
}
