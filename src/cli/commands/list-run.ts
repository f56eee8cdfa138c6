// `argo list`: the workflows of a namespace (or all), filtered as Argo's CLI filters them.
import type { Command } from 'commander';
import type { ArgoClient } from '../../client/types.js';
import type { Workflow } from '../../model/workflow.js';
import { parseSince } from '../since.js';
import { namespaceOf, out, withClient } from '../context.js';
import { printWorkflowList, sortWorkflowsForList } from '../output/list.js';
import type { ListFlags } from './list.js';

export class ListError extends Error {}

/** The label selector the flags add up to. */
export function listSelector(o: ListFlags): string {
  if (o.completed && o.running) throw new ListError('--completed and --running cannot be used together');
  const parts: string[] = [];
  if (o.selector) parts.push(o.selector);
  if (o.status?.length) parts.push(`workflows.argoproj.io/phase in (${o.status.join(',')})`);
  if (o.completed) parts.push('workflows.argoproj.io/completed=true');
  if (o.running) parts.push('workflows.argoproj.io/completed!=true');
  if (o.resubmitted) parts.push('workflows.argoproj.io/resubmitted-from-workflow');
  return parts.join(',');
}

export async function listWorkflows(
  client: ArgoClient,
  namespace: string,
  o: ListFlags,
  now = new Date(),
): Promise<Workflow[]> {
  const labelSelector = listSelector(o);
  let items: Workflow[] = [];
  let cont: string | undefined;
  do {
    const res = await client.listWorkflows(namespace, {
      labelSelector: labelSelector || undefined,
      fieldSelector: o.fieldSelector,
      limit: o.chunkSize || undefined,
      continue: cont,
    });
    items = items.concat(res.items);
    cont = res.metadata.continue || undefined;
  } while (cont);
  if (o.prefix) items = items.filter((w) => (w.metadata.name ?? '').startsWith(o.prefix!));
  if (o.since) {
    const t = parseSince(o.since, now).getTime();
    items = items.filter((w) => (Date.parse(w.metadata.creationTimestamp ?? '') || 0) > t);
  }
  if (o.older) {
    const t = parseSince(o.older, now).getTime();
    items = items.filter((w) => w.status?.finishedAt !== undefined && Date.parse(w.status.finishedAt) < t);
  }
  return sortWorkflowsForList(items);
}

export async function runList(cmd: Command, o: ListFlags): Promise<void> {
  if (o.output && !['name', 'json', 'yaml', 'wide'].includes(o.output)) {
    throw new ListError(`invalid argument "${o.output}" for "-o, --output" flag: one of name|json|yaml|wide`);
  }
  await withClient(
    cmd,
    async (client, g) => {
      const ns = o.allNamespaces ? '' : namespaceOf(client, g);
      const wfs = await listWorkflows(client, ns, o);
      await out(
        printWorkflowList(wfs, {
          output: (o.output ?? '') as '' | 'wide' | 'name' | 'json' | 'yaml',
          noHeaders: o.noHeaders === true,
          namespace: o.allNamespaces === true,
          now: new Date(),
        }),
      );
    },
    { engine: 'none' },
  );
}
