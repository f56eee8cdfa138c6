// Every registered command. Only commands that work are listed here.
import type { Command } from 'commander';
import { registerArchive } from './archive/index.js';
import { registerArgoexec } from './argoexec.js';
import { registerAuth } from './auth.js';
import { registerCompletion } from './completion.js';
import { registerConvert } from './convert.js';
import { registerCp } from './cp.js';
import { registerCron } from './cron/index.js';
import { registerDelete } from './delete.js';
import { registerExecutorPlugin } from './executor-plugin/index.js';
import { registerGet } from './get.js';
import { registerKubeApi } from './kube-api.js';
import { registerLint } from './lint.js';
import { registerList } from './list.js';
import { registerLogs } from './logs.js';
import { registerNode } from './node.js';
import { registerResubmit } from './resubmit.js';
import { registerResume } from './resume.js';
import { registerRetry } from './retry.js';
import { registerServer } from './server.js';
import { registerStop } from './stop.js';
import { registerSubmit } from './submit.js';
import { registerSuspend } from './suspend.js';
import { registerSync } from './sync/index.js';
import { registerClusterTemplate, registerTemplate } from './template/index.js';
import { registerTerminate } from './terminate.js';
import { registerVersion } from './version.js';
import { registerWait } from './wait.js';
import { registerWatch } from './watch.js';
import { registerWorkflowController } from './workflow-controller.js';

export const COMMANDS: ((program: Command) => void)[] = [
  registerArchive,
  registerArgoexec,
  registerAuth,
  registerCompletion,
  registerConvert,
  registerCp,
  registerCron,
  registerDelete,
  registerExecutorPlugin,
  registerGet,
  registerKubeApi,
  registerLint,
  registerList,
  registerLogs,
  registerNode,
  registerResubmit,
  registerResume,
  registerRetry,
  registerServer,
  registerStop,
  registerSubmit,
  registerSuspend,
  registerSync,
  registerTerminate,
  registerWait,
  registerWatch,
  registerVersion,
  registerTemplate,
  registerClusterTemplate,
  registerWorkflowController,
];
