// Folding a pod's status (and the outputs its executor reported) into its node, as Argo's
// controller does when it reconciles pods.
import type { Container } from '../model/meta.js';
import type { ContainerStatus, Pod } from '../model/pod.js';
import type { Template } from '../model/template.js';
import type { NodePhase, NodeStatus, WorkflowTaskResult } from '../model/workflow.js';
import { phaseFulfilled } from '../workflow/phase.js';
import { LABEL_REPORT_OUTPUTS_COMPLETED } from '../executor/pod-contract.js';
import { goDurationString } from '../workflow/humanize.js';
import type { ReportTimeout } from './task-result-timeout.js';

const MAIN = 'main';
const WAIT = 'wait';
/** argoexec's init container; the template's own init containers fail their pod like sidecars do. */
const INIT = 'init';

/**
 * Updates `node` from `pod` and `result`; returns whether anything changed. `reportGivenUp`: the
 * pod finished longer ago than the task result timeout (task-result-timeout.ts), so a report that
 * is still missing or incomplete is waited for no more.
 */
export function assessPod(
  node: NodeStatus,
  pod: Pod,
  tmpl: Template | undefined,
  result: WorkflowTaskResult | undefined,
  reportGivenUp?: ReportTimeout,
): boolean {
  const before = JSON.stringify(node);
  const old = { phase: node.phase, message: node.message };
  const daemon = tmpl?.daemon === true;
  let phase: NodePhase | undefined = node.phase;
  let message = node.message;
  switch (pod.status?.phase) {
    case undefined:
    case 'Pending':
      phase = 'Pending';
      message = pendingReason(pod) || node.message;
      delete node.daemoned;
      break;
    case 'Succeeded':
      phase = daemon ? 'Failed' : 'Succeeded';
      delete node.daemoned;
      break;
    case 'Failed': {
      const inferred = inferFailedReason(pod, tmpl);
      phase = inferred.phase;
      message = inferred.message;
      delete node.daemoned;
      break;
    }
    case 'Running':
      if (daemon) {
        if (!phaseFulfilled(node.phase)) {
          const ready = (pod.status.containerStatuses ?? []).every((c) => c.ready !== false);
          if (ready) {
            phase = 'Running';
            node.daemoned = true;
          }
        }
      } else {
        phase = 'Running';
      }
      break;
    default:
      phase = 'Error';
      message = `Unexpected pod phase for ${pod.metadata.name ?? ''}: ${pod.status?.phase ?? ''}`;
  }

  if (result?.outputs && hasOutputs(result.outputs)) {
    const exitCode = node.outputs?.exitCode;
    node.outputs = structuredClone(result.outputs);
    if (exitCode !== undefined && node.outputs.exitCode === undefined) node.outputs.exitCode = exitCode;
  }
  if (result?.progress && /^\d+\/\d+$/.test(result.progress)) node.progress = result.progress;

  if (daemon && node.daemoned && !phaseFulfilled(phase)) node.podIP = pod.status?.podIP;
  if (pod.spec.nodeName) node.hostNodeName = pod.spec.nodeName;
  if (!node.progress || !/^\d+\/\d+$/.test(node.progress)) node.progress = '0/1';

  const exitCode = mainExitCode(pod);
  if (exitCode !== undefined) {
    node.outputs ??= {};
    node.outputs.exitCode = String(exitCode);
  }

  // Outputs are reported by the executor; a succeeded pod is not done until they have arrived.
  const missing = phase === 'Succeeded' && tmpl?.outputs !== undefined && expectsReport(tmpl) && !result;
  // argoexec's wait creates the result first and labels it complete once every output is in it;
  // a wait that failed never will, so its result counts as complete as it is.
  const incomplete = phase === 'Succeeded' && reportIncomplete(result) && !waitFailed(pod);
  if ((missing || incomplete) && !reportGivenUp) phase = old.phase;
  else if (
    (missing || incomplete) &&
    tmpl?.outputs &&
    expectsReport(tmpl) &&
    !hasOutputs(result?.outputs ?? {})
  ) {
    phase = 'Error';
    message = `outputs were not reported within ${goDurationString(reportGivenUp!.timeoutMs / 1000)} of the pod finishing (${reportGivenUp!.setting})`;
  }

  if (
    old.phase === 'Pending' &&
    phase !== 'Pending' &&
    phase !== 'Failed' &&
    phase !== 'Error' &&
    old.message === message
  ) {
    message = undefined;
  }
  node.phase = phase;
  if (message) node.message = message;
  else delete node.message;

  if (phaseFulfilled(node.phase) && !node.finishedAt) {
    const latest = latestFinishedAt(pod);
    if (latest) node.finishedAt = latest;
    node.resourcesDuration = resourcesDurationForPod(pod);
  }
  return JSON.stringify(node) !== before;
}

function hasOutputs(o: NonNullable<WorkflowTaskResult['outputs']>): boolean {
  return (
    (o.parameters?.length ?? 0) > 0 ||
    (o.artifacts?.length ?? 0) > 0 ||
    o.result !== undefined ||
    o.exitCode !== undefined
  );
}

function expectsReport(tmpl: Template): boolean {
  const o = tmpl.outputs!;
  return (
    (o.parameters?.length ?? 0) > 0 || (o.artifacts ?? []).some((a) => !a.optional) || o.result !== undefined
  );
}

function reportIncomplete(result: WorkflowTaskResult | undefined): boolean {
  return result?.metadata.labels?.[LABEL_REPORT_OUTPUTS_COMPLETED] === 'false';
}

function waitFailed(pod: Pod): boolean {
  const t = pod.status?.containerStatuses?.find((c) => c.name === WAIT)?.state?.terminated;
  return t !== undefined && t.exitCode !== 0;
}

function pendingReason(pod: Pod): string {
  for (const c of pod.status?.containerStatuses ?? []) {
    const w = c.state?.waiting;
    if (w) return w.message ? `${w.reason ?? ''}: ${w.message}` : (w.reason ?? '');
  }
  return '';
}

function mainExitCode(pod: Pod): number | undefined {
  const c = pod.status?.containerStatuses?.find((s) => s.name === MAIN);
  return c?.state?.terminated?.exitCode;
}

function latestFinishedAt(pod: Pod): string | undefined {
  let latest: string | undefined;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = c.state?.terminated?.finishedAt;
    if (t && (!latest || Date.parse(t) > Date.parse(latest))) latest = t;
  }
  return latest;
}

function isMainContainer(name: string, tmpl: Template | undefined): boolean {
  if (tmpl?.containerSet) return tmpl.containerSet.containers.some((c) => c.name === name);
  return name === MAIN;
}

/** The node phase and message for a failed pod: the most telling failed container wins. */
export function inferFailedReason(
  pod: Pod,
  tmpl: Template | undefined,
): { phase: NodePhase; message: string } {
  if (pod.status?.message) return { phase: 'Failed', message: pod.status.message };
  const order = (c: ContainerStatus): number => (isMainContainer(c.name, tmpl) ? 1 : c.name === WAIT ? 2 : 3);
  const ctrs = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...[...(pod.status?.containerStatuses ?? [])].sort((a, b) => order(a) - order(b)),
  ];
  if (ctrs.length === 0) {
    return {
      phase: 'Failed',
      message: `can't find failed message for pod ${pod.metadata.name ?? ''} namespace ${pod.metadata.namespace ?? ''}`,
    };
  }
  let mainSucceeded = false;
  let waitSucceeded = false;
  for (const c of ctrs) {
    const w = c.state?.waiting;
    if (w)
      return {
        phase: 'Error',
        message: `Pod failed before ${c.name} container starts due to ${w.reason ?? ''}: ${w.message ?? ''}`,
      };
    const t = c.state?.terminated;
    if (!t) continue;
    if (t.exitCode === 0) {
      if (isMainContainer(c.name, tmpl)) mainSucceeded = true;
      else if (c.name === WAIT) waitSucceeded = true;
      continue;
    }
    let msg = `${t.reason ?? 'Error'} (exit code ${t.exitCode})`;
    if (t.message) msg = `${msg}: ${t.message}`;
    msg = `${c.name}: ${msg}`;
    if (c.name === INIT) return { phase: 'Error', message: msg };
    if (isMainContainer(c.name, tmpl)) return { phase: 'Failed', message: msg };
    if (c.name === WAIT) return { phase: 'Error', message: msg };
    // A sidecar stopped once main finished (SIGTERM, or SIGKILL after the grace) is not a failure.
    if (t.exitCode !== 137 && t.exitCode !== 143) return { phase: 'Failed', message: msg };
  }
  // A pod that failed with nothing to blame succeeded only if main and wait both did.
  if (mainSucceeded && waitSucceeded) return { phase: 'Succeeded', message: '' };
  if (mainSucceeded)
    return { phase: 'Failed', message: 'pod failed: wait container did not complete successfully' };
  if (waitSucceeded)
    return { phase: 'Failed', message: 'pod failed: main container did not complete successfully' };
  return { phase: 'Failed', message: 'pod failed: neither main nor wait container completed successfully' };
}

// ---- resource durations --------------------------------------------------------------------

const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = { m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes quantity ("100m", "100Mi", "1.5", "2Gi") in thousandths of its unit. */
export function quantityMilli(q: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?|[+-]?\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return 0;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  const mult = BINARY[suffix] ?? DECIMAL[suffix] ?? 1;
  return Math.round(n * mult * 1000);
}

function denominatorMilli(resource: string): number {
  if (resource === 'memory') return quantityMilli('100Mi');
  if (resource === 'storage' || resource === 'ephemeral-storage') return quantityMilli('10Gi');
  return 1000;
}

/** Seconds of each resource used, scaled as Argo scales them (1 cpu, 100Mi memory). */
export function resourcesDurationForPod(pod: Pod): Record<string, number> {
  const lists = new Map<string, Record<string, string>>();
  const all: Container[] = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
  for (const c of all) {
    lists.set(c.name ?? '', {
      cpu: '100m',
      memory: '100Mi',
      ...(c.resources?.limits ?? {}),
      ...(c.resources?.requests ?? {}),
    });
  }
  const out: Record<string, number> = {};
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const t = s.state?.terminated;
    const age =
      t?.startedAt && t.finishedAt
        ? Math.trunc((Date.parse(t.finishedAt) - Date.parse(t.startedAt)) / 1000)
        : 0;
    for (const [res, q] of Object.entries(lists.get(s.name) ?? {})) {
      const add = Math.trunc((quantityMilli(q) * age) / denominatorMilli(res));
      out[res] = (out[res] ?? 0) + add;
    }
  }
  return out;
}
