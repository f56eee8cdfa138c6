// `argo cron backfill`: the workflows Argo's CLI creates to run a cron workflow for past scheduled
// times. Each is a "monitor" workflow whose steps create one workflow per scheduled time (a
// resource template), passing the time as an argument; without --parallel they share a mutex.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { workflowFromCronNow } from '../../../controller/cron/child-workflow.js';
import { parseSchedule } from '../../../controller/cron/schedule.js';
import type { CronWorkflow, Workflow } from '../../../model/workflow.js';
import { formatLayout, GoTime, LOCAL, parseLayout, UTC, type Zone } from '../../../workflow/expr/time.js';
import { namespaceOf, out, withClient } from '../../context.js';
import { toYaml } from '../../output/serialize.js';
import type { BackfillFlags } from './index.js';

const RFC1123 = 'Mon, 02 Jan 2006 15:04:05 MST';
const MAX_INT32 = 2147483647;
/** Longest generateName prefix Argo leaves room for a random suffix after (253 - 10 - 1). */
const MAX_PREFIX = 242;

export class BackfillError extends Error {}

function parseTime(format: string, value: string): GoTime {
  try {
    return parseLayout(format, value, UTC);
  } catch (err) {
    throw new BackfillError((err as Error).message);
  }
}

/** `<cron>-backfill-<name>`, cut to the length a generated name allows. */
export function backfillPrefix(cronName: string, name: string): string {
  return `${cronName}-backfill-${name.toLowerCase()}`.slice(0, MAX_PREFIX);
}

/** The scheduled times in [start, end] as Go's Time.String prints them, in the zone of `start`. */
export function backfillTimes(cron: CronWorkflow, start: GoTime, end: GoTime): string[] {
  // As Argo does, the schedules are joined and the cron workflow's timezone is not applied.
  const schedule = parseSchedule((cron.spec.schedules ?? []).join(','));
  const times: string[] = [];
  let t = start.toDate();
  for (;;) {
    const next = schedule.next(t);
    if (!next || next.getTime() > end.ms) break;
    times.push(new GoTime(next.getTime(), 0, start.zone).toString());
    t = next;
  }
  return times;
}

/** The workflow each scheduled time gets, with `{{inputs.parameters.backfillscheduletime}}` for its time. */
export function backfillWorkflow(
  cron: CronWorkflow,
  o: BackfillFlags & { name: string },
  now: Date,
): Workflow {
  const wf = workflowFromCronNow(cron, now);
  // Argo builds it from the server's reply, which has no apiVersion; the manifest states it first instead.
  delete wf.apiVersion;
  delete wf.metadata.namespace;
  wf.metadata.generateName = `${backfillPrefix(cron.metadata.name ?? '', o.name)}-`;
  if (!o.parallel) {
    wf.spec.priority = MAX_INT32;
    wf.spec.synchronization = { mutexes: [{ name: o.name }] };
  }
  const parameters = wf.spec.arguments?.parameters ?? [];
  wf.spec.arguments = {
    ...(wf.spec.arguments ?? {}),
    parameters: [...parameters, { name: o.argname, value: '{{inputs.parameters.backfillscheduletime}}' }],
  };
  return wf;
}

/** One monitor workflow: steps that create the manifest's workflow once per scheduled time in `times`. */
export function monitorWorkflow(cronName: string, manifest: string, times: string[]): Workflow {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'backfill-wf-', labels: { 'workflows.argoproj.io/backfill': cronName } },
    spec: {
      entrypoint: 'main',
      templates: [
        {
          name: 'main',
          steps: [
            [
              {
                name: 'create-workflow',
                template: 'create-workflow',
                arguments: { parameters: [{ name: 'backfillscheduletime', value: '{{item}}' }] },
                withParam: JSON.stringify(times),
              },
            ],
          ],
        },
        {
          name: 'create-workflow',
          inputs: { parameters: [{ name: 'backfillscheduletime' }] },
          resource: { action: 'create', successCondition: 'status.phase == Succeeded', manifest },
        },
      ],
    },
  };
}

/** How Argo splits the times over monitor workflows (an exact multiple yields a last, empty one). */
export function backfillChunks(times: string[], max: number): string[][] {
  const chunks: string[][] = [];
  const count = Math.floor(times.length / max) + 1;
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = times.length - i * max < max ? times.length : start + max;
    chunks.push(times.slice(start, end));
    start = end;
  }
  return chunks;
}

export async function backfillCronWorkflow(cmd: Command, cronName: string, o: BackfillFlags): Promise<void> {
  const name = o.name || randomBytes(3).toString('hex').slice(0, 5);
  if (!o.start) throw new BackfillError('start date should not be empty');
  const start = parseTime(o.format, o.start);
  let end: GoTime;
  let endText = o.end;
  if (o.end) end = parseTime(o.format, o.end);
  else {
    const zone: Zone = LOCAL;
    end = new GoTime(Date.now(), 0, zone);
    endText = formatLayout(end, RFC1123);
  }
  if (!(o.maxworkflowcount > 0)) throw new BackfillError('--maxworkflowcount must be positive');
  await withClient(cmd, async (client, g) => {
    const ns = namespaceOf(client, g);
    const cron = await client.getCronWorkflow(ns, cronName);
    let times: string[];
    try {
      times = backfillTimes(cron, start, end);
    } catch (err) {
      throw new BackfillError((err as Error).message);
    }
    if (times.length === 0) {
      await out('There is no suitable scheduling time.');
      return;
    }
    const wf = backfillWorkflow(cron, { ...o, name }, new Date());
    const manifest = `apiVersion: argoproj.io/v1alpha1 \n${toYaml(wf, { type: 'Workflow' })}`;
    const created: string[] = [];
    for (const chunk of backfillChunks(times, o.maxworkflowcount)) {
      const monitor = await client.createWorkflow(ns, monitorWorkflow(cronName, manifest, chunk));
      created.push(monitor.metadata.name ?? '');
    }
    let text = `Created ${name} Backfill task for Cronworkflow ${cronName} \n`;
    text += '==================================================\n';
    text += 'Backfill Period :\n';
    text += `Start Time : ${o.start} \n`;
    text += `  End Time : ${endText} \n`;
    text += `Total Backfill Schedule: ${times.length} \n`;
    text += '==================================================\n';
    text += 'Backfill Workflows: \n';
    text += '   NAMESPACE\t WORKFLOW: \n';
    created.forEach((wfName, i) => (text += `${i + 1}. ${ns} \t ${wfName} \n`));
    await out(text);
  });
}
