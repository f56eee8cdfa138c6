// `argo logs` over a store: the logs of a workflow's pods, read through the host (files on this
// machine, the pods/log API in a cluster), merged and ordered by time as the Argo Server orders them.
import type { NodeStatus, Workflow } from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import { podNameOf } from '../../workflow/pod-name.js';
import type { LogEntry, LogOptions } from '../types.js';
import type { ClientHost } from './host.js';
import { MergedStreams, sortedBatches, watchToIterable, type TimedEntry } from './streams.js';

export async function* workflowLogsOf(
  store: ResourceStore,
  host: ClientHost,
  ns: string,
  name: string,
  wf: Workflow,
  opts: LogOptions,
  signal?: AbortSignal,
  /** Puts a watched workflow's nodes back (offloaded or compressed), so its new pods are seen. */
  hydrate: (wf: Workflow) => Promise<Workflow> = async (w) => w,
): AsyncGenerator<LogEntry> {
  const container = opts.container ?? 'main';
  const streamed = new Set<string>();
  const merged = new MergedStreams<TimedEntry>();
  const startPod = (podName: string): void => {
    if (streamed.has(podName)) return;
    streamed.add(podName);
    merged.add(
      (async function* (): AsyncGenerator<TimedEntry> {
        for await (const line of host.podLogs(ns, podName, container, {
          follow: opts.follow,
          previous: opts.previous,
          sinceTime: opts.sinceTime,
          sinceSeconds: opts.sinceSeconds,
          tailLines: opts.tailLines,
          timestamps: opts.timestamps,
          grep: opts.grep,
          signal,
        })) {
          yield { podName, content: line.content, time: line.time };
        }
      })(),
    );
  };
  const podsOf = (w: Workflow): string[] =>
    Object.values(w.status?.nodes ?? {})
      .filter((n: NodeStatus) => n.type === 'Pod')
      .sort((a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''))
      .filter((n) => !opts.podName || podNameOf(w, n) === opts.podName || n.id === opts.podName)
      .map((n) => podNameOf(w, n));
  if (opts.podName && podsOf(wf).length === 0) startPod(opts.podName);
  for (const p of podsOf(wf)) startPod(p);
  if (opts.follow && !isDone(wf)) {
    // New pods appear as the workflow runs; follow them until it is done.
    merged.addTask(
      (async () => {
        for await (const ev of watchToIterable<Workflow>(
          store,
          'Workflow',
          ns,
          { fieldSelector: `metadata.name=${name}` },
          signal,
        )) {
          // A version whose nodes cannot be read now (their database down) shows no new pods;
          // a later one does.
          const whole = ev.type === 'DELETED' ? ev.object : await hydrate(ev.object).catch(() => ev.object);
          for (const p of podsOf(whole)) startPod(p);
          if (isDone(ev.object) || ev.type === 'DELETED') break;
        }
      })(),
    );
  }
  // Lines from different pods are ordered by their timestamps, as the Argo Server orders them;
  // while following a running workflow they are passed on as they are written. Following one that
  // has finished has nothing to wait for, so its lines come in order too, not in the order in which
  // the pods' streams happened to answer.
  yield* sortedBatches(merged, opts.follow && !isDone(wf) ? 0 : Infinity);
}

function isDone(wf: Workflow): boolean {
  return Boolean(wf.status?.finishedAt) || wf.metadata.labels?.['workflows.argoproj.io/completed'] === 'true';
}
