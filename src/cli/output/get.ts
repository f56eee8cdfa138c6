// `argo get` (and submit/watch/retry/resubmit, which print the same way): the summary block and the
// node tree, or the workflow as json/yaml/name.
import type { NodeStatus, Workflow } from '../../model/workflow.js';
import { FieldSelectorError, parseFieldSelector } from '../../workflow/node-field-selector.js';
import { podNameOf } from '../../workflow/pod-name.js';
import { createPalette, FG, type Palette } from './colors.js';
import {
  humanizeDuration,
  humanizeRelativeDuration,
  humanizeTimestamp,
  isZeroTime,
} from '../../workflow/humanize.js';
import { artifactLocationText, resourcesDurationText } from './go-strings.js';
import { formatResource } from './serialize.js';
import { tabwrite } from './tabwriter.js';
import { treeHeader, treeRows, type TreeOutput } from './tree.js';
import {
  execSpec,
  labelLine,
  parameterHasValue,
  parameterValue,
  workflowStatusText,
} from './workflow-status.js';

export type GetOutput = '' | 'wide' | 'short' | 'json' | 'yaml' | 'name';

export interface PrintWorkflowOptions {
  output?: GetOutput;
  /** Colour off (the caller decides, see colorEnabled()). */
  noColor: boolean;
  /** Plain ASCII tree and words instead of status glyphs (--no-utf8). */
  noUtf8: boolean;
  /** --status: show only nodes in this phase; cannot be combined with nodeFieldSelector. */
  status?: string;
  /** --node-field-selector, e.g. "phase=Failed" or "templateName=main,displayName!=x". */
  nodeFieldSelector?: string;
  now: Date;
  /** A pod node's pod name; defaults to the name the controller gives it. */
  podName?: (node: NodeStatus) => string;
}

const CONDITION_ICONS: Record<string, [string, string, number]> = {
  MetricsError: ['✖', 'Error', FG.red],
  SpecWarning: ['⚠', 'Warning', FG.yellow],
};

function conditionLines(wf: Workflow, palette: Palette, noUtf8: boolean): string {
  const conditions = wf.status?.conditions ?? [];
  let out = labelLine('Conditions:', '');
  for (const c of conditions) {
    const icon = c.type ? CONDITION_ICONS[c.type] : undefined;
    const mark = icon ? palette.format(noUtf8 ? icon[1] : icon[0], icon[2]) : '';
    out += labelLine(`${mark} ${c.type ?? ''}`, c.message || (c.status ?? ''));
  }
  return out;
}

function summary(wf: Workflow, options: PrintWorkflowOptions, palette: Palette): string {
  const status = wf.status ?? {};
  const spec = execSpec(wf);
  let out = labelLine('Name:', wf.metadata.name ?? '');
  out += labelLine('Namespace:', wf.metadata.namespace ?? '');
  let serviceAccount = spec.serviceAccountName ?? '';
  if (!serviceAccount) {
    serviceAccount = wf.spec?.workflowTemplateRef
      ? 'unset'
      : 'unset (will run with the default ServiceAccount)';
  }
  out += labelLine('ServiceAccount:', serviceAccount);
  out += labelLine('Status:', workflowStatusText(wf));
  if (status.message) out += labelLine('Message:', status.message);
  if ((status.conditions ?? []).length > 0) out += conditionLines(wf, palette, options.noUtf8);
  out += labelLine('Created:', humanizeTimestamp(wf.metadata.creationTimestamp, options.now));
  const started = !isZeroTime(status.startedAt);
  if (started) out += labelLine('Started:', humanizeTimestamp(status.startedAt, options.now));
  if (!isZeroTime(status.finishedAt))
    out += labelLine('Finished:', humanizeTimestamp(status.finishedAt, options.now));
  if (started) {
    out += labelLine('Duration:', humanizeRelativeDuration(status.startedAt, status.finishedAt, options.now));
  }
  if (status.phase === 'Running' && (status.estimatedDuration ?? 0) > 0) {
    out += labelLine('EstimatedDuration:', humanizeDuration((status.estimatedDuration ?? 0) * 1000));
  }
  out += labelLine('Progress:', status.progress ?? '');
  if (Object.keys(status.resourcesDuration ?? {}).length > 0) {
    out += labelLine('ResourcesDuration:', resourcesDurationText(status.resourcesDuration));
  }
  const parameters = spec.arguments?.parameters ?? [];
  if (parameters.length > 0) {
    out += labelLine('Parameters:', '');
    for (const p of parameters) if (p.value !== undefined) out += labelLine(`  ${p.name}:`, p.value);
  }
  const outputs = status.outputs;
  if (outputs) {
    if ((outputs.parameters ?? []).length > 0) {
      out += labelLine('Output Parameters:', '');
      for (const p of outputs.parameters ?? []) {
        if (parameterHasValue(p)) out += labelLine(`  ${p.name}:`, parameterValue(p));
      }
    }
    if ((outputs.artifacts ?? []).length > 0) {
      out += labelLine('Output Artifacts:', '');
      for (const a of outputs.artifacts ?? []) {
        const location = artifactLocationText(a);
        if (location !== undefined) out += labelLine(`  ${a.name}:`, location);
      }
    }
  }
  return out;
}

function selectorFor(options: PrintWorkflowOptions): string {
  if (options.status) {
    if (options.nodeFieldSelector)
      throw new FieldSelectorError('cannot use both --status and --node-field-selector');
    return `phase=${options.status}`;
  }
  return options.nodeFieldSelector ?? '';
}

/** The summary and node tree `argo get` prints (for '', 'wide' and 'short' output), ending with a newline. */
export function printWorkflowHelper(wf: Workflow, options: PrintWorkflowOptions): string {
  const output = (options.output ?? '') as TreeOutput;
  const palette = createPalette(!options.noColor);
  let out = summary(wf, options, palette);
  const name = wf.metadata.name ?? '';
  if (!wf.status?.nodes?.[name]) return out;
  let selector;
  try {
    selector = parseFieldSelector(selectorFor(options));
  } catch (e) {
    if (e instanceof FieldSelectorError && e.message.startsWith('cannot use both')) throw e;
    throw new FieldSelectorError(`selector is invalid: ${(e as Error).message}`);
  }
  const rows = treeRows(wf, {
    output,
    palette,
    noUtf8: options.noUtf8,
    selector,
    now: options.now,
    podName: options.podName ?? ((node) => podNameOf(wf, node)),
  });
  const table = tabwrite([treeHeader(output, palette), ...rows, ''].join('\n'), { padding: 2 });
  if (output === 'short') return table;
  out += '\n' + table;
  return out;
}

/** Everything `argo get` prints for one workflow in the requested format. */
export function printWorkflow(wf: Workflow, options: PrintWorkflowOptions): string {
  return formatResource(wf, options.output, 'Workflow', () => printWorkflowHelper(wf, options));
}
