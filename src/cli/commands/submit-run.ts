// `argo submit`: create workflows from files or stored resources, then optionally wait, watch or log.
import { LABEL_CONTROLLER_INSTANCE_ID } from '../../executor/host/task-result.js';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import type { ArgoClient } from '../../client/types.js';
import { submitFromKind } from '../../model/service.js';
import type { SubmitOpts, Workflow } from '../../model/workflow.js';
import { EXCESSIVE_ALIASING } from '../../workflow/manifest/limits.js';
import { readCommandManifests } from '../manifests.js';
import { applySubmitOpts } from '../../workflow/submit-opts.js';
import { ExitError, namespaceOf, out, withClient } from '../context.js';
import { logWorkflow, renderWorkflow, waitWorkflows, watchWorkflow } from '../follow.js';
import { checkpoint, Interrupted, trapInterrupts, type InterruptTrap } from '../interrupt.js';
import type { SubmitFlags } from './submit.js';

export class SubmitError extends Error {}

function validateOptions(count: number, o: SubmitFlags): void {
  if (o.watch) {
    if (count > 1) throw new SubmitError('cannot watch more than one workflow');
    if (o.wait) throw new SubmitError('--wait cannot be combined with --watch');
    if (o.dryRun) throw new SubmitError('--watch cannot be combined with --dry-run');
    if (o.serverDryRun) throw new SubmitError('--watch cannot be combined with --server-dry-run');
  }
  if (o.wait) {
    if (o.dryRun) throw new SubmitError('--wait cannot be combined with --dry-run');
    if (o.serverDryRun) throw new SubmitError('--wait cannot be combined with --server-dry-run');
  }
  if (o.dryRun) {
    if (!o.output) throw new SubmitError('--dry-run should have an output option');
    if (o.serverDryRun) throw new SubmitError('--dry-run cannot be combined with --server-dry-run');
  }
  if (o.serverDryRun && !o.output) throw new SubmitError('--server-dry-run should have an output option');
  if (o.output && !['name', 'json', 'yaml', 'wide', ''].includes(o.output)) {
    throw new SubmitError(
      `invalid argument "${o.output}" for "-o, --output" flag: one of name|json|yaml|wide`,
    );
  }
}

/** A parameter file is a YAML/JSON map of name → value; values that are not strings keep their text. */
export async function readParameterFile(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SubmitError(
      `open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`,
    );
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new SubmitError(`${file}: ${doc.errors[0].message.split('\n')[0]}`);
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // The yaml package stops alias expansion past its budget; say so as go-yaml does.
    const aliasing = err instanceof ReferenceError && /alias/i.test(err.message);
    throw new SubmitError(`${file}: ${aliasing ? EXCESSIVE_ALIASING : (err as Error).message}`);
  }
  if (value === null || value === undefined) return [];
  if (typeof value !== 'object' || Array.isArray(value))
    throw new SubmitError(`${file}: expected a map of parameter names to values`);
  return Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
}

function submitOptsOf(o: SubmitFlags, parameters: string[]): SubmitOpts {
  return {
    name: o.name,
    generateName: o.generateName,
    entryPoint: o.entrypoint,
    parameters,
    labels: o.labels,
    serviceAccount: o.serviceaccount,
    dryRun: o.dryRun,
    serverDryRun: o.serverDryRun,
    priority: o.priority,
  };
}

export async function runSubmit(cmd: Command, files: string[], o: SubmitFlags): Promise<void> {
  // Until the workflows are stored, Ctrl+C or SIGTERM stops at a checkpoint and says what was
  // submitted; once they are, waiting on them is interrupted as any command is.
  const trap = trapInterrupts();
  try {
    await submit(cmd, files, o, trap);
  } finally {
    trap.release();
  }
}

/** Manifests longer than this (characters) parse with signals' default action (see InterruptTrap.untrapped). */
const UNTRAPPED_PARSE_LENGTH = 1_000_000;

async function submit(cmd: Command, files: string[], o: SubmitFlags, trap: InterruptTrap): Promise<void> {
  if (o.from && files.length > 0) throw new SubmitError('cannot combine --from with file arguments');
  if (o.scheduledTime !== undefined && Number.isNaN(Date.parse(o.scheduledTime))) {
    throw new SubmitError(
      'scheduled-time contains invalid time.RFC3339 format. (e.g.: `2006-01-02T15:04:05-07:00`)',
    );
  }
  const parameters = [
    ...(o.parameterFile ? await readParameterFile(o.parameterFile) : []),
    ...(o.parameter ?? []),
  ];
  const submitOpts = submitOptsOf(o, parameters);
  if (o.scheduledTime) submitOpts.annotations = `workflows.argoproj.io/scheduled-time=${o.scheduledTime}`;

  let workflows: Workflow[] = [];
  if (!o.from) {
    if (files.length === 0) throw new SubmitError('no workflow found in given files');
    const manifests = await readCommandManifests(files, {
      strict: o.strict !== false,
      // Only a parse long enough to matter runs untrapped: a signal that came just before it,
      // still on its way to its handler when the trap's handlers are removed, is lost with them.
      parsing: (parse, length) => (length > UNTRAPPED_PARSE_LENGTH ? trap.untrapped(parse) : parse()),
    });
    for (const m of manifests) {
      if (m.kind !== 'Workflow') continue;
      if (m.error) throw new SubmitError(`${m.source}: ${m.error}`);
      workflows.push(m.object as unknown as Workflow);
    }
    if (workflows.length === 0) throw new SubmitError('no workflow found in given files');
    await checkpoint(trap.signal).catch((err: unknown) => {
      throw notSubmitted(err, [], workflows.length);
    });
  }
  validateOptions(o.from ? 1 : workflows.length, o);
  if (o.status && !o.watch)
    process.stderr.write(
      `time=${new Date().toISOString()} level=WARN msg="--status should only be used with --watch"\n`,
    );

  const waiting = o.wait || o.watch || o.log;
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      // --instanceid: the workflows are for the controller of that instance only.
      if (g.instanceid)
        submitOpts.labels = [submitOpts.labels, `${LABEL_CONTROLLER_INSTANCE_ID}=${g.instanceid}`]
          .filter(Boolean)
          .join(',');
      const names: string[] = [];
      const print = async (wf: Workflow): Promise<void> => {
        await out(
          renderWorkflow(wf, { output: o.output, status: o.status, nodeFieldSelector: o.nodeFieldSelector }),
        );
      };
      if (o.from) {
        const slash = o.from.indexOf('/');
        if (slash <= 0 || slash === o.from.length - 1) {
          throw new SubmitError(
            `resource identifier '${o.from}' is malformed. Should be \`kind/name\`, e.g. cronwf/hello-world-cwf`,
          );
        }
        const created = await submitFrom(
          client,
          ns,
          o.from.slice(0, slash),
          o.from.slice(slash + 1),
          submitOpts,
        );
        await print(created);
        names.push(created.metadata.name ?? '');
      } else {
        workflows = workflows.map((w) => structuredClone(w));
        for (const wf of workflows) {
          await checkpoint(trap.signal).catch((err: unknown) => {
            throw notSubmitted(err, names, workflows.length);
          });
          wf.metadata.namespace ||= ns;
          try {
            applySubmitOpts(wf, submitOpts);
          } catch (err) {
            throw new SubmitError((err as Error).message);
          }
          let created: Workflow;
          try {
            created = await client.createWorkflow(wf.metadata.namespace, wf, {
              dryRun: o.dryRun,
              serverDryRun: o.serverDryRun,
              signal: trap.signal,
            });
          } catch (err) {
            if (err instanceof Interrupted) throw notSubmitted(err, names, workflows.length);
            throw new SubmitError(`Failed to submit workflow: ${(err as Error).message}`);
          }
          await print(created);
          names.push(created.metadata.name ?? '');
        }
      }
      // A signal noted during the last write: everything is stored, and the command still ends as
      // the signal asks, saying so, rather than letting the signal pass unheeded.
      if (trap.signal.aborted) throw notSubmitted(trap.signal.reason, names, names.length);
      trap.release();
      if (o.dryRun || o.serverDryRun) return;
      if (o.log) {
        for (const name of names) await logWorkflow(client, ns, name, { container: 'main', follow: true });
      }
      if (o.wait) {
        const quiet = Boolean(o.output) && o.output !== 'wide';
        const ok = await waitWorkflows(client, ns, names, { quiet });
        if (!ok) throw new ExitError(1);
      } else if (o.watch) {
        for (const name of names)
          await watchWorkflow(client, ns, name, { status: o.status, nodeFieldSelector: o.nodeFieldSelector });
      }
    },
    { engine: waiting ? 'in-process' : 'detached' },
  );
}

async function submitFrom(
  client: ArgoClient,
  ns: string,
  kindName: string,
  name: string,
  opts: SubmitOpts,
): Promise<Workflow> {
  const kind = submitFromKind(kindName);
  if (!kind) throw new SubmitError(`Resource kind '${kindName}' is not supported for submitting`);
  try {
    return await client.submitFrom(ns, kind, name, opts);
  } catch (err) {
    throw new SubmitError(`failed to submit workflow: ${(err as Error).message}`);
  }
}

/** What an interrupted submit did: the workflows it stored (whole) and how many it did not. */
function notSubmitted(err: unknown, submitted: string[], total: number): unknown {
  if (!(err instanceof Interrupted)) return err;
  const left = total - submitted.length;
  const what =
    submitted.length === 0
      ? 'no workflow was submitted'
      : left === 0
        ? `submitted ${submitted.join(', ')}`
        : `submitted ${submitted.join(', ')}; ${left} more not submitted`;
  return new Interrupted(err.signal, `interrupted by ${err.signal}: ${what}`);
}
