// The results the controller's agents (HTTP, resource) hold for nodes they have finished, until an
// operation folds them into the workflow: keyed by workflow uid and node id, forgotten when the
// workflow completes, and dropped after a while should nothing ever ask for them.
import type { NodePhase, Workflow } from '../model/workflow.js';
import type { Outputs } from '../model/template.js';

export interface NodeResult {
  phase: NodePhase;
  message?: string;
  outputs?: Outputs;
}

/** Results are kept this long after they are ready, for operations that did not persist them at once. */
const KEEP_MS = 10 * 60_000;

export function nodeKey(wf: Workflow, nodeId: string): string {
  return `${workflowPrefix(wf)}${nodeId}`;
}

export function workflowPrefix(wf: Workflow): string {
  return `${wf.metadata.uid ?? wf.metadata.name ?? ''}/`;
}

export class NodeResults {
  private readonly results = new Map<string, { result: NodeResult; at: number }>();

  get(key: string): NodeResult | undefined {
    return this.results.get(key)?.result;
  }

  has(key: string): boolean {
    return this.results.has(key);
  }

  set(key: string, result: NodeResult): void {
    this.results.set(key, { result, at: Date.now() });
    const now = Date.now();
    for (const [k, v] of this.results) if (now - v.at > KEEP_MS) this.results.delete(k);
  }

  /** Forgets the results of a workflow that has completed. */
  forget(wf: Workflow): void {
    const prefix = workflowPrefix(wf);
    for (const k of [...this.results.keys()]) if (k.startsWith(prefix)) this.results.delete(k);
  }
}
