// Waiting on, watching and tailing workflows: what `wait`, `watch`, `logs` and
// `submit --wait/--watch/--log` share.
import type { ArgoClient } from '../client/types.js';
import type { Workflow } from '../model/workflow.js';
import { isArchivedRecord } from '../workflow/archived-record.js';
import { out } from './context.js';
import { stdoutIsTTY } from './stdout.js';
import { colorCodeFor, colorEnabled, ansiFormat } from './output/colors.js';
import { printWorkflow } from './output/get.js';
import { startSpinner, type Spinner } from './spinner.js';

export interface GetFlags {
  output?: string;
  status?: string;
  nodeFieldSelector?: string;
  noColor?: boolean;
  noUtf8?: boolean;
}

/** Prints a workflow the way `argo get` / `argo submit` do for the chosen -o. */
export function renderWorkflow(wf: Workflow, flags: GetFlags, now = new Date()): string {
  const output = flags.output ?? '';
  switch (output) {
    case 'name':
      return `${wf.metadata.name ?? ''}\n`;
    case 'json':
    case 'yaml':
    case 'short':
    case 'wide':
    case '':
      return printWorkflow(wf, {
        output: output as '' | 'wide' | 'short' | 'json' | 'yaml',
        noColor: !colorEnabled({ noColor: flags.noColor === true, isTTY: stdoutIsTTY() }),
        noUtf8: flags.noUtf8 === true,
        status: flags.status,
        nodeFieldSelector: flags.nodeFieldSelector,
        now,
      });
    default:
      throw new Error(`unknown output format: ${output}`);
  }
}

/** Go's time.Time String() of a UTC time: `2026-11-27 18:43:43 +0000 UTC`. */
export function goTimeString(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0000 UTC`;
}

/**
 * What the CLI says beside a workflow read from its archived record (the live one was deleted after
 * it was archived), on stderr so that the output itself stays what it is for a live one.
 */
export function archivedRecordNote(name: string, wf: Workflow): string {
  return `Workflow ${name} was deleted after it was archived; this is its archived record (argo archive get ${wf.metadata.uid ?? ''})\n`;
}

/** Prints `NAME PHASE at TIME` for a finished workflow (unless quiet); false when it Failed/Errored. */
async function reportFinished(
  name: string,
  wf: Workflow,
  quiet: boolean | undefined,
  print: (text: string) => Promise<void>,
): Promise<boolean> {
  if (!quiet)
    await print(`${name} ${wf.status?.phase ?? ''} at ${goTimeString(wf.status?.finishedAt ?? '')}\n`);
  return wf.status?.phase !== 'Failed' && wf.status?.phase !== 'Error';
}

/** Resolves once the named workflow has finished; false when it Failed/Errored (or is missing). */
export async function waitOne(
  client: ArgoClient,
  namespace: string,
  name: string,
  opts: { ignoreNotFound?: boolean; quiet?: boolean; spinner?: Spinner },
): Promise<boolean> {
  const print = (text: string): Promise<void> =>
    opts.spinner ? opts.spinner.pause(() => out(text)) : out(text);
  const ac = new AbortController();
  try {
    let seen = false;
    for await (const ev of client.watchWorkflows(
      namespace,
      { fieldSelector: `metadata.name=${name}` },
      ac.signal,
    )) {
      seen = true;
      const wf = ev.object;
      // A deletion carries the last state: a workflow deleted once finished (its TTL, say) is
      // reported as it finished, as upstream reports whatever event brings finishedAt.
      if (wf.status?.finishedAt) return reportFinished(name, wf, opts.quiet, print);
      if (ev.type === 'DELETED') return opts.ignoreNotFound === true;
    }
    return seen;
  } finally {
    ac.abort();
  }
}

export async function waitWorkflows(
  client: ArgoClient,
  namespace: string,
  names: string[],
  opts: { ignoreNotFound?: boolean; quiet?: boolean },
): Promise<boolean> {
  // A workflow deleted after it was archived has finished: its record answers, with nothing to watch.
  const records = new Map<string, Workflow>();
  for (const name of names) {
    try {
      const wf = await client.getWorkflow(namespace, name);
      if (isArchivedRecord(wf)) records.set(name, wf);
    } catch (err) {
      if (opts.ignoreNotFound && (err as { status?: number }).status === 404) continue;
      throw err;
    }
  }
  for (const [name, wf] of records) process.stderr.write(archivedRecordNote(name, wf));
  const spinner = await startSpinner(
    names.length === 1 ? `Waiting for ${names[0]}` : `Waiting for ${names.length} workflows`,
  );
  try {
    const print = (text: string): Promise<void> => spinner.pause(() => out(text));
    const results = await Promise.all(
      names.map((n) => {
        const record = records.get(n);
        return record
          ? reportFinished(n, record, opts.quiet, print)
          : waitOne(client, namespace, n, { ...opts, spinner });
      }),
    );
    return results.every(Boolean);
  } finally {
    spinner.stop();
  }
}

/**
 * Redraws the workflow until it finishes: in place on a terminal, as successive snapshots when piped.
 * `current`, the workflow as just read: when it is an archived record (the live one was deleted
 * after it was archived), its final state is drawn once, as there is nothing left to watch.
 */
export async function watchWorkflow(
  client: ArgoClient,
  namespace: string,
  name: string,
  flags: GetFlags,
  current?: Workflow,
): Promise<void> {
  const tty = stdoutIsTTY();
  const ac = new AbortController();
  let latest: Workflow | undefined;
  let lastPrinted = '';
  const draw = async (): Promise<void> => {
    if (!latest) return;
    const text = renderWorkflow(latest, { ...flags, output: flags.output === 'wide' ? 'wide' : '' });
    if (tty) {
      await out(`\x1b[H\x1b[2J\x1b[0;0H${text}`);
    } else if (text !== lastPrinted) {
      await out(lastPrinted === '' ? text : `\n${text}`);
    }
    lastPrinted = text;
  };
  if (current && isArchivedRecord(current)) {
    process.stderr.write(archivedRecordNote(name, current));
    latest = current;
    return draw();
  }
  // On a terminal durations tick, so redraw every second as Argo does.
  const timer = tty ? setInterval(() => void draw(), 1000) : undefined;
  try {
    for await (const ev of client.watchWorkflows(
      namespace,
      { fieldSelector: `metadata.name=${name}` },
      ac.signal,
    )) {
      // A deletion's last state is drawn too when it is the final one (deleted once finished).
      if (ev.type === 'DELETED' && !ev.object.status?.finishedAt) return;
      latest = ev.object;
      await draw();
      if (latest.status?.finishedAt) return;
    }
  } finally {
    if (timer) clearInterval(timer);
    ac.abort();
  }
}

export interface LogFlags {
  podName?: string;
  container?: string;
  follow?: boolean;
  sinceSeconds?: number;
  sinceTime?: string;
  tailLines?: number;
  timestamps?: boolean;
  grep?: string;
  selector?: string;
  noColor?: boolean;
}

/** Prints `<pod>: <line>` for each log line, each pod in its own colour on a terminal. */
export async function logWorkflow(
  client: ArgoClient,
  namespace: string,
  name: string,
  flags: LogFlags,
): Promise<void> {
  const color = colorEnabled({ noColor: flags.noColor === true, isTTY: stdoutIsTTY() });
  for await (const entry of client.workflowLogs(namespace, name, {
    podName: flags.podName,
    container: flags.container ?? 'main',
    follow: flags.follow,
    sinceSeconds: flags.sinceSeconds,
    sinceTime: flags.sinceTime,
    tailLines: flags.tailLines,
    timestamps: flags.timestamps,
    grep: flags.grep,
    selector: flags.selector,
  })) {
    const line = `${entry.podName}: ${entry.content}`;
    await out(`${color ? ansiFormat(line, [colorCodeFor(entry.podName)]) : line}\n`);
  }
}
