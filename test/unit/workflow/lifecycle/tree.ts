// Builds workflows with hand-made node trees for the lifecycle tests: nodes are named as the
// controller names them and get the ids it would give them.
import type { NodePhase, NodeStatus, NodeType, Workflow } from '../../../../src/model/workflow.js';
import { nodeId } from '../../../../src/workflow/node-id.js';

export interface NodeSpec {
  type: NodeType;
  phase: NodePhase;
  /** Suffix of the node name after the workflow name, '' for the root. */
  suffix: string;
  boundary?: string;
  children?: string[];
  outbound?: string[];
  template?: string;
  extra?: Partial<NodeStatus>;
}

export class Tree {
  readonly nodes: Record<string, NodeStatus> = {};
  constructor(readonly name: string) {}

  id(suffix: string): string {
    return nodeId(this.name, this.name + suffix);
  }

  add(spec: NodeSpec): this {
    const name = this.name + spec.suffix;
    const id = nodeId(this.name, name);
    this.nodes[id] = {
      id,
      name,
      displayName: spec.suffix === '' ? this.name : spec.suffix.replace(/^.*[.]/, ''),
      type: spec.type,
      phase: spec.phase,
      templateName: spec.template ?? (spec.type === 'Pod' ? 'work' : 'main'),
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:01:00Z',
      ...(spec.boundary !== undefined ? { boundaryID: this.id(spec.boundary) } : {}),
      ...(spec.children ? { children: spec.children.map((c) => this.id(c)) } : {}),
      ...(spec.outbound ? { outboundNodes: spec.outbound.map((c) => this.id(c)) } : {}),
      ...(spec.extra ?? {}),
    };
    return this;
  }

  /** A pod run as an attempt of a retry node. */
  attempt(suffix: string, phase: NodePhase, children?: string[]): this {
    return this.add({
      type: 'Pod',
      phase,
      suffix,
      boundary: '',
      children,
      extra: { nodeFlag: { retried: true } },
    });
  }

  node(suffix: string): NodeStatus {
    return this.nodes[this.id(suffix)];
  }

  workflow(phase: 'Failed' | 'Error' | 'Succeeded' | 'Running', extra: Partial<Workflow> = {}): Workflow {
    return {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: {
        name: this.name,
        namespace: 'argo',
        labels: {
          'workflows.argoproj.io/completed': phase === 'Running' ? 'false' : 'true',
          'workflows.argoproj.io/phase': phase,
        },
        annotations: { 'workflows.argoproj.io/pod-name-format': 'v2' },
      },
      spec: { entrypoint: 'main', templates: [{ name: 'main' }] },
      status: {
        phase,
        startedAt: '2026-01-01T00:00:00Z',
        ...(phase === 'Running' ? {} : { finishedAt: '2026-01-01T00:02:00Z' }),
        message: phase === 'Failed' ? 'child failed' : undefined,
        conditions: [
          { type: 'PodRunning', status: 'False' },
          { type: 'Completed', status: 'True' },
        ],
        nodes: structuredClone(this.nodes),
      },
      ...extra,
    };
  }
}
