// A stand-in kubelet for controller tests: it "runs" each pod the controller creates by asking a
// test-supplied function what the pod does, then reports the result the way the host runtime does
// (a WorkflowTaskResult with outputs, then the pod's terminal status). No processes are spawned, so
// node-shape tests are fast and deterministic.
import type { Pod } from '../../src/model/pod.js';
import type { Outputs, Template } from '../../src/model/template.js';
import type { WorkflowTaskResult } from '../../src/model/workflow.js';
import type { ResourceStore, Watch } from '../../src/store/types.js';

export interface PodBehaviour {
  exitCode?: number;
  /** stdout, reported as outputs.result when the pod asks for it. */
  stdout?: string;
  /** Output parameter values by name (as if read from valueFrom.path). */
  parameters?: Record<string, string>;
  /** Keep the pod running this long before it finishes. */
  runMs?: number;
  /**
   * Keep the pod running until this settles (instead of runMs, and regardless of the pod's deadline),
   * so that a test acts on a surely running pod and decides when it ends.
   */
  until?: Promise<unknown>;
}

export type Behaviour = (tmpl: Template, pod: Pod) => PodBehaviour;

export class FakeKubelet {
  private watch?: Watch;
  private readonly seen = new Set<string>();
  running = 0;
  maxRunning = 0;
  readonly started: string[] = [];

  constructor(
    private readonly store: ResourceStore,
    private readonly behaviour: Behaviour = () => ({}),
  ) {}

  start(): void {
    this.watch = this.store.watch<Pod>('Pod', {}, (ev) => {
      if (ev.type !== 'ADDED' || this.seen.has(ev.object.metadata.name ?? '')) return;
      this.seen.add(ev.object.metadata.name ?? '');
      void this.run(ev.object);
    });
  }

  stop(): void {
    this.watch?.stop();
  }

  private async run(pod: Pod): Promise<void> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await this.runPod(pod);
    } catch (err) {
      // The controller deleted the pod (stop, deadline, daemon cleanup): it just ends.
      if ((err as { code?: number }).code !== 404) throw err;
    } finally {
      this.running--;
    }
  }

  private async runPod(pod: Pod): Promise<void> {
    const env = pod.spec.containers[0]?.env ?? [];
    const tmpl = JSON.parse(env.find((e) => e.name === 'ARGO_TEMPLATE')?.value ?? '{}') as Template;
    const includeResult = env.find((e) => e.name === 'ARGO_INCLUDE_SCRIPT_OUTPUT')?.value === 'true';
    const nodeId = pod.metadata.annotations?.['workflows.argoproj.io/node-id'] ?? '';
    const b = this.behaviour(tmpl, pod);
    const ns = pod.metadata.namespace ?? '';
    const name = pod.metadata.name ?? '';
    this.started.push(name);
    const startedAt = new Date().toISOString();
    await this.store.patch<Pod>('Pod', ns, name, {
      status: {
        phase: 'Running',
        podIP: '127.0.0.1',
        startTime: startedAt,
        containerStatuses: [{ name: 'main', ready: true, state: { running: { startedAt } } }],
      },
    });
    const deadlineMs =
      pod.spec.activeDeadlineSeconds !== undefined ? pod.spec.activeDeadlineSeconds * 1000 : Infinity;
    if (b.until) await b.until;
    else await new Promise((r) => setTimeout(r, Math.min(b.runMs ?? 0, deadlineMs)));
    if (!b.until && (b.runMs ?? 0) > deadlineMs) {
      // What the kubelet does when activeDeadlineSeconds passes.
      await this.store.patch<Pod>('Pod', ns, name, {
        status: {
          phase: 'Failed',
          reason: 'DeadlineExceeded',
          message: 'Pod was active on the node longer than the specified deadline',
        },
      });
      return;
    }
    const exitCode = b.exitCode ?? 0;
    const outputs: Outputs = {};
    const params = (tmpl.outputs?.parameters ?? []).filter((p) => p.valueFrom?.path);
    if (params.length) {
      // As the executor does, each declared parameter is reported whole, with its value.
      outputs.parameters = params.map((p) => ({
        ...p,
        value: b.parameters?.[p.name] ?? p.valueFrom?.default ?? '',
      }));
    }
    if (includeResult) outputs.result = (b.stdout ?? '').replace(/\n$/, '');
    outputs.exitCode = String(exitCode);
    const result: WorkflowTaskResult = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTaskResult',
      metadata: {
        name: nodeId,
        namespace: ns,
        labels: {
          'workflows.argoproj.io/workflow': pod.metadata.labels?.['workflows.argoproj.io/workflow'] ?? '',
          'workflows.argoproj.io/report-outputs-completed': 'true',
        },
      },
      outputs,
    };
    await this.store.create('WorkflowTaskResult', result);
    const finishedAt = new Date().toISOString();
    await this.store.patch<Pod>('Pod', ns, name, {
      status: {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [
          {
            name: 'main',
            ready: false,
            state: {
              terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt, finishedAt },
            },
          },
        ],
      },
    });
  }
}
