// `argo archive ...`: names resolved to uids as upstream resolves them, Argo's archive printers.
import type { Command } from 'commander';
import { ArgoError, type ArchiveRef, type ArgoClient } from '../../../client/types.js';
import type { Workflow } from '../../../model/workflow.js';
import { humanizeTimestamp } from '../../../workflow/humanize.js';
import { namespaceOf, out, withClient } from '../../context.js';
import { FlagError } from '../../flags.js';
import { printArchivedWorkflow, type ArchiveGetOutput } from '../../output/archive.js';
import { printWorkflowList, sortWorkflowsForList, type ListOutput } from '../../output/list.js';
import {
  checkNodeFieldSelector,
  checkOutputFlag,
  waitWatchOrLog,
  type FollowFlags,
} from '../lifecycle-shared.js';
import type { ArchiveIdFlags } from './index.js';

const UID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkIdFlags(o: ArchiveIdFlags): void {
  if (o.name && o.uid)
    throw new FlagError(
      'if any flags in the group [name uid] are set none of the others can be; [name uid] were all set',
    );
}

/** A uid as given (or when it looks like one), else the one archived workflow of that exact name. */
export async function resolveUid(
  client: ArgoClient,
  namespace: string,
  id: string,
  o: ArchiveIdFlags,
  now = new Date(),
): Promise<string> {
  if (o.uid || (!o.name && UID.test(id))) return id;
  let matches: Workflow[] = [];
  let cont: string | undefined;
  try {
    do {
      const res = await client.listArchivedWorkflows(namespace, {
        namePrefix: id,
        nameFilter: 'Exact',
        continue: cont,
      });
      matches = matches.concat(res.items);
      cont = res.metadata.continue || undefined;
    } while (cont && matches.length < 2);
  } catch (err) {
    // No archive to read at all: upstream's CLI fails on that before it resolves anything.
    if (err instanceof ArgoError && err.status === 501) throw err;
    throw new Error(`resolve UID: list archived workflows: ${(err as Error).message}`);
  }
  if (matches.length === 0) throw new Error(`resolve UID: archived workflow '${id}' not found`);
  if (matches.length > 1) {
    const lines = matches.map(
      (wf) =>
        `  ${wf.metadata.uid ?? ''} (Created: ${humanizeTimestamp(wf.metadata.creationTimestamp, now)}, Finished: ${humanizeTimestamp(wf.status?.finishedAt, now)})`,
    );
    throw new Error(
      `resolve UID: Multiple archived workflows found with name '${id}':\n${lines.join('\n')}\nPlease specify the UID.`,
    );
  }
  return matches[0].metadata.uid ?? '';
}

async function listAll(
  client: ArgoClient,
  namespace: string,
  opts: { labelSelector?: string; fieldSelector?: string; limit?: number },
): Promise<Workflow[]> {
  let items: Workflow[] = [];
  let cont: string | undefined;
  do {
    const res = await client.listArchivedWorkflows(namespace, { ...opts, continue: cont });
    items = items.concat(res.items);
    cont = res.metadata.continue || undefined;
  } while (cont);
  return items;
}

export async function listArchive(
  cmd: Command,
  o: { chunkSize?: number; output: string; selector?: string },
): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const items = await listAll(client, namespaceOf(client, g), {
        labelSelector: o.selector,
        limit: o.chunkSize || undefined,
      });
      await out(
        printWorkflowList(sortWorkflowsForList(items), {
          output: o.output as ListOutput,
          namespace: true,
          uid: true,
          now: new Date(),
        }),
      );
    },
    { engine: 'none' },
  );
}

export async function getArchived(
  cmd: Command,
  id: string,
  o: ArchiveIdFlags & { output: string },
): Promise<void> {
  checkIdFlags(o);
  await withClient(
    cmd,
    async (client, g) => {
      const uid = await resolveUid(client, namespaceOf(client, g), id, o);
      const wf = await client.getArchivedWorkflow({ uid });
      await out(printArchivedWorkflow(wf, { output: o.output as ArchiveGetOutput, now: new Date() }));
    },
    { engine: 'none' },
  );
}

export async function deleteArchived(cmd: Command, ids: string[], o: ArchiveIdFlags): Promise<void> {
  checkIdFlags(o);
  await withClient(
    cmd,
    async (client, g) => {
      for (const id of ids) {
        const uid = await resolveUid(client, namespaceOf(client, g), id, o);
        await client.deleteArchivedWorkflow({ uid });
        await out(`Archived workflow '${id}' deleted\n`);
      }
    },
    { engine: 'none' },
  );
}

export async function listLabelKeys(cmd: Command): Promise<void> {
  await withClient(
    cmd,
    async (client) => {
      const keys = await client.listArchivedWorkflowLabelKeys();
      await out(keys.map((k) => `${k}\n`).join(''));
    },
    { engine: 'none' },
  );
}

export async function listLabelValues(cmd: Command, o: { selector?: string }): Promise<void> {
  if (o.selector === undefined) throw new FlagError('required flag(s) "selector" not set');
  await withClient(
    cmd,
    async (client) => {
      const values = await client.listArchivedWorkflowLabelValues(o.selector ?? '');
      await out(values.map((v) => `${v}\n`).join(''));
    },
    { engine: 'none' },
  );
}

interface RerunFlags extends ArchiveIdFlags, FollowFlags {
  selector?: string;
  fieldSelector?: string;
  parameter?: string[];
  memoized?: boolean;
  priority?: number;
  nodeFieldSelector?: string;
  restartSuccessful?: boolean;
}

/** `archive retry` and `archive resubmit`: each selected or named workflow once, then follow a single one. */
export async function rerunArchived(
  cmd: Command,
  verb: 'retry' | 'resubmit',
  ids: string[],
  opts: Record<string, unknown>,
): Promise<void> {
  const o = opts as RerunFlags;
  checkIdFlags(o);
  checkOutputFlag(o.output);
  if (verb === 'retry') checkNodeFieldSelector(o.nodeFieldSelector);
  if (ids.length === 0 && !o.selector && !o.fieldSelector)
    throw new FlagError('requires either selector or workflow');
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      const refs: ArchiveRef[] = [];
      if (o.selector || o.fieldSelector) {
        const listed = await listAll(client, ns, {
          labelSelector: o.selector,
          fieldSelector: o.fieldSelector,
        });
        for (const wf of listed) refs.push({ uid: wf.metadata.uid, namespace: wf.metadata.namespace ?? ns });
      }
      for (const id of ids) refs.push({ uid: await resolveUid(client, ns, id, o), namespace: ns });
      const seen = new Set<string>();
      let last: Workflow | undefined;
      for (const ref of refs) {
        if (seen.has(ref.uid ?? '')) continue;
        seen.add(ref.uid ?? '');
        last =
          verb === 'retry'
            ? await client.retryArchivedWorkflow(ref, {
                namespace: ref.namespace,
                restartSuccessful: o.restartSuccessful,
                nodeFieldSelector: o.nodeFieldSelector,
                parameters: o.parameter,
              })
            : await client.resubmitArchivedWorkflow(ref, {
                namespace: ref.namespace,
                memoized: o.memoized,
                parameters: o.parameter,
              });
        const output = o.output === 'json' || o.output === 'yaml' ? o.output : '';
        await out(printArchivedWorkflow(last, { output, now: new Date() }));
      }
      if (seen.size === 1 && last) {
        await waitWatchOrLog(
          client,
          { name: last.metadata.name ?? '', namespace: last.metadata.namespace ?? ns },
          o,
        );
      }
    },
    { engine: o.wait || o.watch || o.log ? 'in-process' : 'none' },
  );
}
