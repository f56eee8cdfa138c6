import { describe, expect, it } from 'vitest';
import {
  isActiveSuspendNode,
  LEAF_NODE_TYPES,
  NODE_TYPES,
  nodeTypeFacts,
} from '../../../src/model/node-types.js';
import { TEMPLATE_KINDS } from '../../../src/model/template-kinds.js';
import type { NodeType } from '../../../src/model/workflow.js';

const typesWhere = (pick: (t: NodeType) => boolean): NodeType[] =>
  (Object.keys(NODE_TYPES) as NodeType[]).filter(pick).sort();

describe('node types', () => {
  it('draws pods, suspends, HTTP, plugin and skipped nodes as leaves of the tree, not steps or DAGs', () => {
    expect([...LEAF_NODE_TYPES].sort()).toEqual(['HTTP', 'Plugin', 'Pod', 'Skipped', 'Suspend']);
    expect(typesWhere((t) => NODE_TYPES[t].tree === 'boundary')).toEqual(['DAG', 'Steps']);
    expect(typesWhere((t) => NODE_TYPES[t].tree === 'parent')).toEqual(['Retry', 'StepGroup']);
  });

  it('has the node of every template kind that calls no other template as a leaf', () => {
    for (const k of TEMPLATE_KINDS)
      expect(LEAF_NODE_TYPES.has(k.nodeType), k.field).toBe(k.field !== 'steps' && k.field !== 'dag');
  });

  it('tells groups, nodes that do the work and nodes with their own progress apart as Argo does', () => {
    expect(typesWhere((t) => NODE_TYPES[t].group)).toEqual(['DAG', 'StepGroup', 'Steps', 'TaskGroup']);
    expect(typesWhere((t) => NODE_TYPES[t].execution)).toEqual(['Container', 'HTTP', 'Plugin', 'Pod']);
    expect(typesWhere((t) => NODE_TYPES[t].ownProgress)).toEqual([
      'Container',
      'HTTP',
      'Plugin',
      'Pod',
      'Suspend',
    ]);
  });

  it('treats a type it does not know as an inert node that is not drawn', () => {
    expect(nodeTypeFacts('Gate' as NodeType)).toMatchObject({
      group: false,
      execution: false,
      tree: 'hidden',
    });
  });

  it('counts only a running suspend node as waiting to be resumed', () => {
    expect(isActiveSuspendNode({ id: 'a', name: 'a', type: 'Suspend', phase: 'Running' } as never)).toBe(
      true,
    );
    expect(isActiveSuspendNode({ id: 'a', name: 'a', type: 'Suspend', phase: 'Succeeded' } as never)).toBe(
      false,
    );
    expect(isActiveSuspendNode({ id: 'a', name: 'a', type: 'Pod', phase: 'Running' } as never)).toBe(false);
  });
});
