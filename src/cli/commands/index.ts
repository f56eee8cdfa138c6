// Every registered command. Only commands that work are listed here.
import type { Command } from 'commander';
import { registerAuth } from './auth.js';
import { registerCompletion } from './completion.js';
import { registerCron } from './cron/index.js';
import { registerDelete } from './delete.js';
import { registerGet } from './get.js';
import { registerLint } from './lint.js';
import { registerList } from './list.js';
import { registerLogs } from './logs.js';
import { registerServer } from './server.js';
import { registerSubmit } from './submit.js';
import { registerTemplate } from './template/index.js';
import { registerVersion } from './version.js';
import { registerWait } from './wait.js';
import { registerWatch } from './watch.js';
import { registerWorkflowController } from './workflow-controller.js';

export const COMMANDS: ((program: Command) => void)[] = [
  registerAuth,
  registerCompletion,
  registerCron,
  registerDelete,
  registerGet,
  registerLint,
  registerList,
  registerLogs,
  registerServer,
  registerSubmit,
  registerWait,
  registerWatch,
  registerVersion,
  registerTemplate,
  registerWorkflowController,
];
