// Drives reconcile passes of the operator directly, as upstream's operator tests call operate():
// a workflow and the pods' states go in, one synchronous WorkflowOperation.operate() runs, and the
// status it wrote and the pods it asked for come out. No store, no processes, no timers: a pod
// changes only when the test says so, and time moves only when the test advances it.
import { parse } from 'yaml';
import type { Pod, PodPhase } from '../../src/model/pod.js';
import type { NodeStatus, Workflow } from '../../src/model/workflow.js';
import {
  ANNOTATION_NODE_NAME,
  WorkflowOperation,
  type OperateResult,
  type OperatorDeps,
} from '../../src/controller/operator.js';

export class Reconciler {
  wf: Workflow;
  /** The pods that exist, by name: created by a pass, removed by a pass's deletions. */
  readonly pods = new Map<string, Pod>();
  private clock: number;

  /** What the operation may use besides pods and the clock (the HTTP agent, locks, the cache). */
  deps: Partial<OperatorDeps> = {};

  /**
   * Hands each pass the workflow the last one returned, as the controller hands over its own copy
   * (`owned`): what an operation keeps by its node map (steps-scope.ts) then carries on.
   */
  owned = false;

  constructor(manifest: string, start = '2026-01-01T00:00:00Z') {
    this.clock = Date.parse(start);
    this.wf = parse(manifest) as Workflow;
    this.wf.metadata.namespace ??= 'argo';
    this.wf.metadata.uid ??= '00000000-0000-0000-0000-000000000001';
    this.wf.metadata.creationTimestamp ??= this.now().toISOString();
  }

  now(): Date {
    return new Date(this.clock);
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  /** One reconcile pass over the current workflow and pods; what it asks for is applied. */
  pass(): OperateResult {
    const op = new WorkflowOperation(
      this.wf,
      {
        now: () => this.now(),
        getWorkflowTemplate: () => undefined,
        getClusterWorkflowTemplate: () => undefined,
        getConfigMap: () => undefined,
        getPod: (_ns, name) => this.pods.get(name),
        getTaskResult: () => undefined,
        ...this.deps,
      },
      { owned: this.owned },
    );
    const result = op.operate();
    for (const pod of result.podsToCreate)
      this.pods.set(pod.metadata.name ?? '', { ...pod, status: { phase: 'Pending' } });
    for (const name of result.podsToDelete) this.pods.delete(name);
    this.wf = result.workflow;
    return result;
  }

  /** The node with this display name (the last part of its name); fails the test if there is none. */
  node(displayName: string): NodeStatus {
    const found = this.nodes().find((n) => n.displayName === displayName);
    if (!found) throw new Error(`no node "${displayName}" in ${this.nodes().map((n) => n.displayName)}`);
    return found;
  }

  nodes(): NodeStatus[] {
    return Object.values(this.wf.status?.nodes ?? {});
  }

  /** The pod that runs the node with this display name. */
  podOf(displayName: string): Pod {
    const name = this.node(displayName).name;
    const pod = [...this.pods.values()].find((p) => p.metadata.annotations?.[ANNOTATION_NODE_NAME] === name);
    if (!pod) throw new Error(`no pod for node "${displayName}"`);
    return pod;
  }

  /** Ends the node's pod, its main container exiting with `exitCode`. */
  finish(displayName: string, exitCode = 0): void {
    const pod = this.podOf(displayName);
    const at = this.now().toISOString();
    const phase: PodPhase = exitCode === 0 ? 'Succeeded' : 'Failed';
    pod.status = {
      phase,
      startTime: at,
      containerStatuses: [
        { name: 'main', state: { terminated: { exitCode, startedAt: at, finishedAt: at } } },
      ],
    };
  }

  /** The display names of the nodes whose pods exist and have not ended. */
  activePods(): string[] {
    return this.nodes()
      .filter((n) => n.type === 'Pod' && (n.phase === 'Pending' || n.phase === 'Running'))
      .map((n) => n.displayName ?? '')
      .sort();
  }
}
