// What the lifecycle commands (stop, terminate, retry, resubmit, resume, node) share: which
// workflows a command line names, node field selector checks, and following a rerun workflow.
import type { Command } from 'commander';
import type { ArgoClient } from '../../client/types.js';
import type { Workflow } from '../../model/workflow.js';
import { parseFieldSelector } from '../../workflow/node-field-selector.js';
import { ExitError, namespaceOf, out, withClient } from '../context.js';
import { FlagError } from '../flags.js';
import { logWorkflow, renderWorkflow, waitWorkflows, watchWorkflow } from '../follow.js';
import { listWorkflows } from './list-run.js';

export interface WorkflowRef {
  name: string;
  namespace: string;
}

export interface SelectorFlags {
  selector?: string;
  fieldSelector?: string;
}

export const hasSelector = (o: SelectorFlags): boolean => Boolean(o.selector || o.fieldSelector);

/** The workflows -l/--field-selector list, then those named on the command line. */
export async function selectedWorkflows(
  client: ArgoClient,
  namespace: string,
  names: string[],
  o: SelectorFlags,
): Promise<WorkflowRef[]> {
  const refs: WorkflowRef[] = [];
  if (hasSelector(o)) {
    const listed = await listWorkflows(client, namespace, {
      selector: o.selector,
      fieldSelector: o.fieldSelector,
    });
    for (const wf of listed)
      refs.push({ name: wf.metadata.name ?? '', namespace: wf.metadata.namespace ?? namespace });
  }
  for (const name of names) refs.push({ name, namespace });
  return refs;
}

/** Each name once, the first occurrence kept (a workflow both selected and named is acted on once). */
export function onceEach(refs: WorkflowRef[]): WorkflowRef[] {
  const byName = new Map<string, WorkflowRef>();
  for (const r of refs) if (!byName.has(r.name)) byName.set(r.name, r);
  return [...byName.values()];
}

/** Checks a --node-field-selector before anything is sent. */
export function checkNodeFieldSelector(selector: string | undefined): void {
  if (!selector) return;
  try {
    parseFieldSelector(selector);
  } catch (err) {
    throw new Error(`unable to parse node field selector '${selector}': ${(err as Error).message}`);
  }
}

export const PRINT_OUTPUTS = ['name', 'json', 'yaml', 'wide'];

/** -o takes one of a fixed set of values; anything else is a flag error, as pflag reports it. */
export function checkOutputFlag(output: string | undefined): void {
  if (output !== undefined && !PRINT_OUTPUTS.includes(output)) {
    throw new FlagError(
      `invalid argument "${output}" for "-o, --output" flag: One of: ${PRINT_OUTPUTS.join('|')}`,
    );
  }
}

export interface FollowFlags {
  output?: string;
  wait?: boolean;
  watch?: boolean;
  log?: boolean;
}

/** Prints a workflow as `argo get -o …` does. */
function printWorkflow(wf: Parameters<typeof renderWorkflow>[0], output: string | undefined): Promise<void> {
  return out(renderWorkflow(wf, { output }));
}

/** After a rerun: tail its logs, then wait for it (exit 1 if it fails) or watch it. */
export async function waitWatchOrLog(client: ArgoClient, ref: WorkflowRef, o: FollowFlags): Promise<void> {
  if (o.log) await logWorkflow(client, ref.namespace, ref.name, { container: 'main', follow: true });
  if (o.wait) {
    const quiet = Boolean(o.output) && o.output !== 'wide';
    if (!(await waitWorkflows(client, ref.namespace, [ref.name], { quiet }))) throw new ExitError(1);
  } else if (o.watch) {
    await watchWorkflow(client, ref.namespace, ref.name, {});
  }
}

/**
 * Retry and resubmit: reruns each selected workflow, printing what comes back; when there was
 * just one, follows it as --log, --wait or --watch ask (waiting runs the local engine in-process).
 */
export async function rerunWorkflows(
  cmd: Command,
  names: string[],
  o: FollowFlags & SelectorFlags,
  rerun: (client: ArgoClient, ref: WorkflowRef) => Promise<Workflow>,
): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const refs = onceEach(await selectedWorkflows(client, namespaceOf(client, g), names, o));
      let last: Workflow | undefined;
      for (const ref of refs) {
        last = await rerun(client, ref);
        await printWorkflow(last, o.output);
      }
      if (refs.length === 1 && last) {
        const ref = { name: last.metadata.name ?? '', namespace: last.metadata.namespace ?? '' };
        await waitWatchOrLog(client, ref, o);
      }
    },
    { engine: o.wait || o.watch || o.log ? 'in-process' : 'detached' },
  );
}
