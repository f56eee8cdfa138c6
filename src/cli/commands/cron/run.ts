// `argo cron create|get|list|update|delete|suspend|resume`, printing what Argo's CLI prints.
import { LABEL_CONTROLLER_INSTANCE_ID } from '../../../executor/host/task-result.js';
import type { Command } from 'commander';
import type { ArgoClient } from '../../../client/types.js';
import { nextRuntime } from '../../../controller/cron/schedule.js';
import type { CronWorkflow, Workflow } from '../../../model/workflow.js';
import { readCommandManifests } from '../../manifests.js';
import { applySubmitOpts } from '../../../workflow/submit-opts.js';
import { namespaceOf, out, withClient } from '../../context.js';
import { FlagError } from '../../flags.js';
import { printCronWorkflow, type CronGetOutput } from '../../output/cron.js';
import { printCronWorkflowList } from '../../output/list.js';
import { readParameterFile } from '../submit-run.js';
import type { CronOverrideFlags } from './index.js';

export class CronCommandError extends Error {}

const PRINT_OUTPUTS = ['name', 'json', 'yaml', 'wide'];

/** pflag's refusal of a value an enum flag does not take. */
export function checkEnumFlag(value: string | undefined, allowed: string[], flag = '-o, --output'): void {
  if (value !== undefined && !allowed.includes(value))
    throw new FlagError(`invalid argument "${value}" for "${flag}" flag: One of: ${allowed.join('|')}`);
}

const nextRun = (cron: CronWorkflow) => nextRuntime(cron.spec, new Date());

/** The `argo cron get` layout, which create and update print whatever -o says, as Argo's do. */
function details(cron: CronWorkflow): string {
  return printCronWorkflow(cron, { output: '', now: new Date(), nextRun });
}

export async function readCronWorkflows(files: string[], strict: boolean): Promise<CronWorkflow[]> {
  const manifests = await readCommandManifests(files, { strict });
  const crons: CronWorkflow[] = [];
  for (const m of manifests) {
    if (m.kind !== 'CronWorkflow') continue;
    if (m.error) throw new CronCommandError(`Failed to parse cron workflow: ${m.source}: ${m.error}`);
    crons.push(m.object as unknown as CronWorkflow);
  }
  if (crons.length === 0) throw new CronCommandError('No CronWorkflows found in given files');
  return crons;
}

/**
 * Applies the submit-style overrides to a cron workflow: entrypoint, service account and
 * parameters go to the workflow spec, labels to the workflows it creates, names to the cron workflow.
 */
async function applyOverrides(cron: CronWorkflow, o: CronOverrideFlags): Promise<void> {
  const parameters = [
    ...(o.parameterFile ? await readParameterFile(o.parameterFile) : []),
    ...(o.parameter ?? []),
  ];
  const wf: Workflow = { metadata: {}, spec: cron.spec.workflowSpec ?? {} };
  try {
    applySubmitOpts(wf, {
      entryPoint: o.entrypoint,
      serviceAccount: o.serviceaccount,
      parameters,
      labels: o.labels,
      generateName: o.generateName,
      name: o.name,
    });
  } catch (err) {
    throw new CronCommandError((err as Error).message);
  }
  if (wf.metadata.labels) {
    const wm = (cron.spec.workflowMetadata ??= {});
    wm.labels = { ...(wm.labels ?? {}), ...wf.metadata.labels };
  }
  cron.spec.workflowSpec = wf.spec;
  if (wf.metadata.generateName) {
    cron.metadata.generateName = wf.metadata.generateName;
    delete cron.metadata.name;
  }
  if (wf.metadata.name) {
    cron.metadata.name = wf.metadata.name;
    delete cron.metadata.generateName;
  }
}

/** Reads the cron workflows of the files, applies the overrides, and prints what `write` stores for each. */
async function writeCronWorkflows(
  cmd: Command,
  files: string[],
  o: CronOverrideFlags,
  write: (client: ArgoClient, namespace: string, cron: CronWorkflow) => Promise<CronWorkflow>,
): Promise<void> {
  checkEnumFlag(o.output, PRINT_OUTPUTS);
  const crons = await readCronWorkflows(files, o.strict !== false);
  await withClient(cmd, async (client, g) => {
    for (const cron of crons) {
      await applyOverrides(cron, o);
      // --instanceid: the cron workflow (and what it makes) is for that controller instance only.
      if (g.instanceid)
        cron.metadata.labels = { ...cron.metadata.labels, [LABEL_CONTROLLER_INSTANCE_ID]: g.instanceid };
      await out(details(await write(client, cron.metadata.namespace || namespaceOf(client, g), cron)));
    }
  });
}

export function createCronWorkflows(cmd: Command, files: string[], o: CronOverrideFlags): Promise<void> {
  return writeCronWorkflows(cmd, files, o, async (client, ns, cron) => {
    if (o.schedule) {
      cron.spec.schedules = [o.schedule];
      delete cron.spec.schedule;
    }
    try {
      return await client.createCronWorkflow(ns, cron);
    } catch (err) {
      throw new CronCommandError(`failed to create cron workflow: ${(err as Error).message}`);
    }
  });
}

export function updateCronWorkflows(cmd: Command, files: string[], o: CronOverrideFlags): Promise<void> {
  return writeCronWorkflows(cmd, files, o, async (client, ns, cron) => {
    const name = cron.metadata.name ?? '';
    let current: CronWorkflow;
    try {
      current = await client.getCronWorkflow(ns, name);
    } catch (err) {
      throw new CronCommandError(
        `failed to get existing cron workflow "${name}" to update: ${(err as Error).message}`,
      );
    }
    cron.metadata.resourceVersion = current.metadata.resourceVersion;
    try {
      return await client.updateCronWorkflow(ns, cron);
    } catch (err) {
      throw new CronCommandError(`failed to update workflow template: ${(err as Error).message}`);
    }
  });
}

export async function getCronWorkflows(cmd: Command, names: string[], o: { output?: string }): Promise<void> {
  checkEnumFlag(o.output, PRINT_OUTPUTS);
  await withClient(
    cmd,
    async (client, g) => {
      for (const name of names) {
        const cron = await client.getCronWorkflow(namespaceOf(client, g), name);
        await out(
          printCronWorkflow(cron, { output: (o.output ?? '') as CronGetOutput, now: new Date(), nextRun }),
        );
      }
    },
    { engine: 'none' },
  );
}

export async function listCronWorkflows(
  cmd: Command,
  o: { allNamespaces?: boolean; output?: string; selector?: string },
): Promise<void> {
  checkEnumFlag(o.output, ['wide', 'name']);
  await withClient(
    cmd,
    async (client, g) => {
      const ns = o.allNamespaces ? '' : namespaceOf(client, g);
      const res = await client.listCronWorkflows(ns, { labelSelector: o.selector });
      await out(
        printCronWorkflowList(res.items, {
          output: (o.output ?? '') as '' | 'wide' | 'name',
          allNamespaces: o.allNamespaces === true,
          now: new Date(),
          nextRun,
        }),
      );
    },
    { engine: 'none' },
  );
}

export async function deleteCronWorkflows(
  cmd: Command,
  names: string[],
  o: { all?: boolean },
): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      const targets = [...names];
      if (o.all)
        for (const c of (await client.listCronWorkflows(ns)).items) targets.push(c.metadata.name ?? '');
      for (const name of targets) await client.deleteCronWorkflow(ns, name);
    },
    { engine: 'none' },
  );
}

export async function setCronWorkflowsSuspended(
  cmd: Command,
  names: string[],
  suspend: boolean,
): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      for (const name of names) {
        if (suspend) await client.suspendCronWorkflow(ns, name);
        else await client.resumeCronWorkflow(ns, name);
        await out(`CronWorkflow '${name}' ${suspend ? 'suspended' : 'resumed'}\n`);
      }
    },
    { engine: suspend ? 'none' : 'detached' },
  );
}
