// Upgrading manifests written for older Argo versions, as `argo convert` does: the singular
// `synchronization.semaphore`/`mutex` join the plural lists, and a cron workflow's `schedule`
// becomes `schedules`. Everything else is kept as it is.
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The plural lists, with the singular entry appended after the ones already there. */
export function convertSynchronization(sync: unknown): unknown {
  if (!isObj(sync)) return sync;
  const { semaphore, mutex, ...rest } = sync;
  const semaphores = Array.isArray(rest.semaphores) ? [...(rest.semaphores as unknown[])] : [];
  const mutexes = Array.isArray(rest.mutexes) ? [...(rest.mutexes as unknown[])] : [];
  if (semaphore !== undefined && semaphore !== null) semaphores.push(semaphore);
  if (mutex !== undefined && mutex !== null) mutexes.push(mutex);
  return { ...rest, semaphores, mutexes };
}

function convertWorkflowSpec(spec: unknown): unknown {
  if (!isObj(spec)) return spec;
  const out: Obj = { ...spec };
  if (isObj(spec.synchronization)) out.synchronization = convertSynchronization(spec.synchronization);
  if (Array.isArray(spec.templates)) {
    out.templates = spec.templates.map((t: unknown) =>
      isObj(t) && isObj(t.synchronization)
        ? { ...t, synchronization: convertSynchronization(t.synchronization) }
        : t,
    );
  }
  return out;
}

function convertCronSpec(spec: unknown): unknown {
  if (!isObj(spec)) return spec;
  const { schedule, ...rest } = spec;
  const out: Obj = { ...rest, workflowSpec: convertWorkflowSpec(rest.workflowSpec ?? {}) };
  // A legacy `schedule` wins over `schedules`, as upstream converts it.
  if (typeof schedule === 'string' && schedule !== '') out.schedules = [schedule];
  return out;
}

export const CONVERTED_KINDS = [
  'Workflow',
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'CronWorkflow',
] as const;
export type ConvertedKind = (typeof CONVERTED_KINDS)[number];

export function isConvertedKind(kind: unknown): kind is ConvertedKind {
  return (CONVERTED_KINDS as readonly unknown[]).includes(kind);
}

/** The manifest in today's form; kinds Argo does not own are returned unchanged. */
export function convertManifest(doc: unknown): unknown {
  if (!isObj(doc) || !isConvertedKind(doc.kind)) return doc;
  const spec =
    doc.kind === 'CronWorkflow' ? convertCronSpec(doc.spec ?? {}) : convertWorkflowSpec(doc.spec ?? {});
  return { ...doc, spec };
}
