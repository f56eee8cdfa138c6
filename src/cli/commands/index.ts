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
import { registerKubelet } from './kubelet.js';
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

/** A registrar, and the names and aliases of the top-level commands it adds. */
export interface CommandEntry {
  register: (program: Command) => void;
  names: string[];
  /** Works on the whole command tree (`__complete`): registered with every other command. */
  needsAll?: boolean;
}

export const COMMANDS: CommandEntry[] = [
  { register: registerArchive, names: ['archive'] },
  { register: registerArgoexec, names: ['argoexec'] },
  { register: registerAuth, names: ['auth'] },
  { register: registerCompletion, names: ['completion', '__complete'], needsAll: true },
  { register: registerConvert, names: ['convert'] },
  { register: registerCp, names: ['cp'] },
  { register: registerCron, names: ['cron'] },
  { register: registerDelete, names: ['delete'] },
  { register: registerExecutorPlugin, names: ['executor-plugin'] },
  { register: registerGet, names: ['get'] },
  { register: registerKubeApi, names: ['kube-api'] },
  { register: registerKubelet, names: ['kubelet'] },
  { register: registerLint, names: ['lint'] },
  { register: registerList, names: ['list'] },
  { register: registerLogs, names: ['logs'] },
  { register: registerNode, names: ['node'] },
  { register: registerResubmit, names: ['resubmit'] },
  { register: registerResume, names: ['resume'] },
  { register: registerRetry, names: ['retry'] },
  { register: registerServer, names: ['server'] },
  { register: registerStop, names: ['stop'] },
  { register: registerSubmit, names: ['submit'] },
  { register: registerSuspend, names: ['suspend'] },
  { register: registerSync, names: ['sync'] },
  { register: registerTerminate, names: ['terminate'] },
  { register: registerWait, names: ['wait'] },
  { register: registerWatch, names: ['watch'] },
  { register: registerVersion, names: ['version'] },
  { register: registerTemplate, names: ['template'] },
  { register: registerClusterTemplate, names: ['cluster-template', 'cwftmpl', 'cwft'] },
  { register: registerWorkflowController, names: ['workflow-controller'] },
];

/**
 * The commands to register for a command line whose first word is `word`: the command it names
 * alone, so a command's start-up does not pay for building every other command's flags; every
 * command when the word names none (help, a typo to suggest for) or needs them all.
 */
export function commandsFor(word: string | undefined): CommandEntry[] {
  const named = word === undefined ? undefined : COMMANDS.find((c) => c.names.includes(word));
  return named && !named.needsAll ? [named] : COMMANDS;
}
