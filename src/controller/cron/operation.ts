// One pass of the cron controller over one CronWorkflow, as Argo's cron operator makes it: a
// scheduled run (validate, stop strategy, suspend, `when`, concurrency policy, create the
// workflow), the missed run to catch up after downtime, and the sync of its workflows (history
// limits, active list, succeeded/failed counts). Changes to the CronWorkflow are written back
// as one merge patch, and only when something changed.
import type { ObjectReference } from '../../model/meta.js';
import type {
  ClusterWorkflowTemplate,
  Condition,
  CronWorkflow,
  Workflow,
  WorkflowTemplate,
} from '../../model/workflow.js';
import type { ResourceStore } from '../../store/types.js';
import { StoreError } from '../../store/types.js';
import { rfc3339, workflowPhaseCompleted } from '../../workflow/phase.js';
import {
  validateCronWorkflow,
  validateWorkflow,
  type ValidateContext,
} from '../../workflow/validate/index.js';
import {
  ANNOTATION_LAST_USED_SCHEDULE,
  LABEL_CRON_COMPLETED,
  LABEL_CRON_WORKFLOW,
  workflowForRun,
} from './child-workflow.js';
import type { Clock } from './clock.js';
import { cronStopConditionMet, cronWhenAllows } from './expressions.js';
import {
  cronSchedules,
  parseSchedule,
  scheduleWithTimezoneString,
  schedulesWithTimezone,
} from './schedule.js';

export const CONDITION_SPEC_ERROR = 'SpecError';
export const CONDITION_SUBMISSION_ERROR = 'SubmissionError';

const DEFAULT_SUCCESSFUL_HISTORY = 3;
const DEFAULT_FAILED_HISTORY = 1;

export interface CronEnvironment {
  store: ResourceStore;
  clock: Clock;
  /** Zone of schedules without one, and of the scheduled-time annotation; undefined: this process's. */
  timeZone?: string;
  log: (msg: string) => void;
  /** Removes a workflow and what belongs to it (its pods and their files). */
  deleteWorkflow(namespace: string, name: string): Promise<void>;
}

/** What the operation compares to tell whether the CronWorkflow needs writing back. */
function persistedPart(cron: CronWorkflow): string {
  return JSON.stringify([cron.metadata.labels, cron.metadata.annotations, cron.status]);
}

export class CronOperation {
  private cron: CronWorkflow;
  private saved: string;

  constructor(
    cron: CronWorkflow,
    private readonly env: CronEnvironment,
  ) {
    this.cron = structuredClone(cron);
    this.cron.status ??= {};
    this.saved = persistedPart(this.cron);
  }

  get cronWorkflow(): CronWorkflow {
    return this.cron;
  }

  private get name(): string {
    return this.cron.metadata.name ?? '';
  }

  private get namespace(): string {
    return this.cron.metadata.namespace ?? '';
  }

  private log(msg: string): void {
    this.env.log(`cron ${this.namespace}/${this.name}: ${msg}`);
  }

  // ---- scheduled runs -----------------------------------------------------------------------

  /** Runs the cron workflow for the time it was scheduled at, then writes back what changed. */
  async run(scheduled: Date): Promise<void> {
    try {
      await this.runOnce(scheduled);
    } finally {
      await this.persist();
    }
  }

  private async runOnce(scheduled: Date): Promise<void> {
    if (this.usingNewSchedule()) this.setAnnotation(ANNOTATION_LAST_USED_SCHEDULE, this.scheduleString());
    if (!(await this.validate())) return;
    let stop: boolean;
    try {
      stop = cronStopConditionMet(this.cron);
    } catch (err) {
      this.reportError(
        CONDITION_SPEC_ERROR,
        `failed to check CronWorkflow '${this.name}' stopping condition: ${(err as Error).message}`,
      );
      return;
    }
    if (stop) this.setAsCompleted();
    let proceed: boolean;
    try {
      proceed = await this.enforceRuntimePolicy();
    } catch (err) {
      this.reportError(CONDITION_SUBMISSION_ERROR, `run policy error: ${(err as Error).message}`);
      return;
    }
    if (!proceed) return;

    const wf = workflowForRun(this.cron, scheduled, this.env.timeZone);
    let created: Workflow;
    try {
      const problems = validateWorkflow(wf, { ...(await this.templateContext()), submit: true });
      if (problems.length > 0) throw new Error(problems[0].message);
      created = await this.env.store.create<Workflow>('Workflow', wf);
    } catch (err) {
      // The workflow for this scheduled time exists already: it was run before.
      if (err instanceof StoreError && err.code === 409) return;
      this.reportError(CONDITION_SUBMISSION_ERROR, `Failed to submit Workflow: ${(err as Error).message}`);
      return;
    }
    this.log(`created workflow ${created.metadata.name ?? ''} for ${rfc3339(scheduled)}`);
    const status = this.cron.status!;
    status.active = [...(status.active ?? []), workflowReference(created)];
    status.phase = 'Active';
    status.lastScheduledTime = rfc3339(scheduled);
    this.removeCondition(CONDITION_SUBMISSION_ERROR);
  }

  /** Validates the cron workflow, recording a SpecError condition when it is invalid (and clearing it when not). */
  async validate(): Promise<boolean> {
    // Schedules given the v3.5 way (`schedule`) are read as a one-item `schedules`.
    const normalised: CronWorkflow = {
      ...this.cron,
      spec: { ...this.cron.spec, schedules: cronSchedules(this.cron.spec) },
    };
    delete normalised.spec.schedule;
    const problems = validateCronWorkflow(normalised, await this.templateContext());
    if (problems.length > 0) {
      this.reportError(CONDITION_SPEC_ERROR, problems[0].message);
      return false;
    }
    this.removeCondition(CONDITION_SPEC_ERROR);
    return true;
  }

  /** Whether the run may go ahead: not suspended or stopped, `when` allows it, and the concurrency policy. */
  private async enforceRuntimePolicy(): Promise<boolean> {
    if (this.cron.spec.suspend) {
      this.log('suspended, skipping execution');
      return false;
    }
    if (this.cron.status?.phase === 'Stopped') {
      this.log('stopped: its stopping condition was met');
      return false;
    }
    if (!cronWhenAllows(this.cron)) return false;
    const active = this.cron.status?.active ?? [];
    switch (this.cron.spec.concurrencyPolicy ?? '') {
      case '':
      case 'Allow':
        return true;
      case 'Forbid':
        if (active.length > 0) {
          this.log("'ConcurrencyPolicy: Forbid' and has an active Workflow so it was not run");
          return false;
        }
        return true;
      case 'Replace':
        if (active.length > 0) {
          this.log("'ConcurrencyPolicy: Replace' and has active Workflows");
          await this.terminateActive(active);
        }
        return true;
      default:
        throw new Error(`invalid ConcurrencyPolicy: ${this.cron.spec.concurrencyPolicy}`);
    }
  }

  private async terminateActive(active: ObjectReference[]): Promise<void> {
    for (const ref of active) {
      const name = ref.name ?? '';
      const wf = await this.env.store.get<Workflow>('Workflow', this.namespace, name);
      if (!wf) {
        this.log(`workflow ${name} not found when trying to terminate outstanding workflows`);
        continue;
      }
      if (workflowPhaseCompleted(wf.status?.phase)) continue;
      try {
        await this.env.store.patch('Workflow', this.namespace, name, { spec: { shutdown: 'Terminate' } });
        this.log(`terminated ${name}`);
      } catch (err) {
        if (err instanceof StoreError && err.code === 404) continue;
        throw new Error(`error stopping workflow ${name}: ${(err as Error).message}`);
      }
    }
  }

  // ---- missed runs --------------------------------------------------------------------------

  /**
   * The run missed while the controller was down that is still to be made: the most recent
   * scheduled time since lastScheduledTime, provided it is within startingDeadlineSeconds.
   * Throws when a schedule does not parse.
   */
  missedRun(): Date | undefined {
    if (this.usingNewSchedule()) return undefined;
    const last = this.cron.status?.lastScheduledTime;
    const deadline = this.cron.spec.startingDeadlineSeconds;
    if (!last) return undefined;
    const now = this.env.clock.now();
    for (const s of schedulesWithTimezone(this.cron.spec)) {
      const missed = parseSchedule(s, this.env.timeZone).lastBefore(new Date(last), now);
      if (!missed || deadline === undefined) continue;
      if (now.getTime() < missed.getTime() + deadline * 1000) {
        this.log(`missed an execution at ${rfc3339(missed)} and is within StartingDeadline`);
        return missed;
      }
    }
    return undefined;
  }

  // ---- sync with its workflows --------------------------------------------------------------

  /** Deletes workflows beyond the history limits, then brings the active list and counts up to date. */
  async sync(owned: Workflow[]): Promise<void> {
    await this.enforceHistoryLimit(owned);
    await this.reconcileActive(owned);
  }

  private async enforceHistoryLimit(owned: Workflow[]): Promise<void> {
    const succeeded: Workflow[] = [];
    const failed: Workflow[] = [];
    for (const wf of owned) {
      if (wf.metadata.labels?.[LABEL_CRON_WORKFLOW] !== this.name) continue;
      if (!workflowPhaseCompleted(wf.status?.phase)) continue;
      (wf.status?.phase === 'Succeeded' ? succeeded : failed).push(wf);
    }
    const limit = (n: number | undefined, dflt: number): number => (n !== undefined && n >= 0 ? n : dflt);
    await this.deleteOldest(
      succeeded,
      limit(this.cron.spec.successfulJobsHistoryLimit, DEFAULT_SUCCESSFUL_HISTORY),
    );
    await this.deleteOldest(failed, limit(this.cron.spec.failedJobsHistoryLimit, DEFAULT_FAILED_HISTORY));
  }

  private async deleteOldest(workflows: Workflow[], keep: number): Promise<void> {
    if (keep >= workflows.length) return;
    const finished = (wf: Workflow): number => Date.parse(wf.status?.finishedAt ?? '') || 0;
    const newestFirst = [...workflows].sort((a, b) => finished(b) - finished(a));
    for (const wf of newestFirst.slice(keep)) {
      const name = wf.metadata.name ?? '';
      try {
        await this.env.deleteWorkflow(this.namespace, name);
        this.log(`deleted workflow ${name} due to the history limit`);
      } catch (err) {
        if (err instanceof StoreError && err.code === 404) continue;
        throw err;
      }
    }
  }

  private async reconcileActive(owned: Workflow[]): Promise<void> {
    const status = this.cron.status!;
    let active = [...(status.active ?? [])];
    let updated = false;
    const byUid = new Map(owned.map((wf) => [wf.metadata.uid ?? '', wf]));
    for (const wf of owned) {
      const done = workflowPhaseCompleted(wf.status?.phase);
      if (!done && !active.some((ref) => ref.uid === wf.metadata.uid)) {
        active.push(workflowReference(wf));
        updated = true;
      }
    }
    for (const ref of [...active]) {
      const wf = byUid.get(ref.uid ?? '');
      if (wf && !workflowPhaseCompleted(wf.status?.phase)) continue;
      updated = true;
      active = active.filter((r) => r.uid !== ref.uid);
      if (!wf) continue;
      if (wf.status?.phase === 'Succeeded') status.succeeded = (status.succeeded ?? 0) + 1;
      else status.failed = (status.failed ?? 0) + 1;
      status.active = active;
      let stop = false;
      try {
        stop = cronStopConditionMet(this.cron);
      } catch (err) {
        throw new Error(
          `failed to check CronWorkflow '${this.name}' stopping condition: ${(err as Error).message}`,
        );
      }
      if (stop) this.setAsCompleted();
    }
    status.active = active;
    // As Argo does, only the status is written here; the completed label follows at the next run.
    if (updated) await this.persist({ statusOnly: true });
  }

  // ---- status -------------------------------------------------------------------------------

  private usingNewSchedule(): boolean {
    return this.cron.metadata.annotations?.[ANNOTATION_LAST_USED_SCHEDULE] !== this.scheduleString();
  }

  private scheduleString(): string {
    return scheduleWithTimezoneString(this.cron.spec);
  }

  private setAnnotation(key: string, value: string): void {
    this.cron.metadata.annotations = { ...(this.cron.metadata.annotations ?? {}), [key]: value };
  }

  private setAsCompleted(): void {
    this.cron.status!.phase = 'Stopped';
    this.cron.metadata.labels = { ...(this.cron.metadata.labels ?? {}), [LABEL_CRON_COMPLETED]: 'true' };
  }

  private reportError(type: string, message: string): void {
    this.log(`${type}: ${message}`);
    const status = this.cron.status!;
    const condition: Condition = { type, message, status: 'True' };
    const conditions = [...(status.conditions ?? [])];
    const i = conditions.findIndex((c) => c.type === type);
    if (i >= 0) conditions[i] = condition;
    else conditions.push(condition);
    status.conditions = conditions;
    if (type === CONDITION_SUBMISSION_ERROR) status.failed = (status.failed ?? 0) + 1;
  }

  private removeCondition(type: string): void {
    const status = this.cron.status!;
    if (!status.conditions?.some((c) => c.type === type)) return;
    status.conditions = status.conditions.filter((c) => c.type !== type);
  }

  /** Writes back what validation recorded. */
  save(): Promise<void> {
    return this.persist();
  }

  /** Writes labels, annotations and status back (or the status's counts only), if they changed. */
  private async persist(opts: { statusOnly?: boolean } = {}): Promise<void> {
    if (persistedPart(this.cron) === this.saved) return;
    const s = this.cron.status ?? {};
    const status: Record<string, unknown> = {
      active: s.active?.length ? s.active : null,
      succeeded: s.succeeded ?? 0,
      failed: s.failed ?? 0,
      phase: s.phase ?? '',
    };
    if (!opts.statusOnly) {
      status.lastScheduledTime = s.lastScheduledTime ?? null;
      status.conditions = s.conditions?.length ? s.conditions : null;
    }
    const patch: Record<string, unknown> = { status };
    if (!opts.statusOnly) {
      patch.metadata = {
        labels: this.cron.metadata.labels ?? null,
        annotations: this.cron.metadata.annotations ?? null,
      };
    }
    try {
      const saved = await this.env.store.patch<CronWorkflow>(
        'CronWorkflow',
        this.namespace,
        this.name,
        patch,
      );
      const keep = this.cron;
      this.cron = saved;
      this.cron.status ??= {};
      // Local changes the patch did not carry (a completed label) stay for a later write.
      if (opts.statusOnly) this.cron.metadata.labels = keep.metadata.labels;
      this.saved = persistedPart(saved);
    } catch (err) {
      if (err instanceof StoreError && err.code === 404) return;
      throw err;
    }
  }

  private async templateContext(): Promise<ValidateContext> {
    const [wfts, cwfts] = await Promise.all([
      this.env.store.list<WorkflowTemplate>('WorkflowTemplate', { namespace: this.namespace }),
      this.env.store.list<ClusterWorkflowTemplate>('ClusterWorkflowTemplate'),
    ]);
    const byName = <T extends { metadata: { name?: string } }>(items: T[]): Map<string, T> =>
      new Map(items.map((t) => [t.metadata.name ?? '', t]));
    const wft = byName(wfts.items);
    const cwft = byName(cwfts.items);
    return {
      getTemplate: (kind, name) => (kind === 'ClusterWorkflowTemplate' ? cwft.get(name) : wft.get(name)),
    };
  }
}

function workflowReference(wf: Workflow): ObjectReference {
  return {
    kind: 'Workflow',
    namespace: wf.metadata.namespace,
    name: wf.metadata.name,
    uid: wf.metadata.uid,
    apiVersion: wf.apiVersion ?? 'argoproj.io/v1alpha1',
    resourceVersion: wf.metadata.resourceVersion,
  };
}
