// The cron controller and what the CLI shares with it (schedules, next runs, child workflows).
export {
  CronController,
  cronSyncPeriodFromEnv,
  DEFAULT_CRON_WORKFLOW_WORKERS,
  deleteWorkflowAndPods,
  type CronControllerOptions,
} from './controller.js';
export { systemClock, type Clock } from './clock.js';
export {
  ANNOTATION_LAST_USED_SCHEDULE,
  ANNOTATION_SCHEDULED_TIME,
  LABEL_BACKFILL,
  LABEL_CRON_COMPLETED,
  LABEL_CRON_WORKFLOW,
  childWorkflowName,
  cronOwnerReference,
  formatScheduledTime,
  workflowForRun,
  workflowFromCronNow,
} from './child-workflow.js';
export { CONDITION_SPEC_ERROR, CONDITION_SUBMISSION_ERROR } from './operation.js';
export {
  CronScheduleError,
  cronSchedules,
  nextRuntime,
  parseSchedule,
  scheduleWithTimezoneString,
  schedulesWithTimezone,
  type Schedule,
} from './schedule.js';
