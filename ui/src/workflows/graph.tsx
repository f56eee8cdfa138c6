// The workflow graph: xyflow draws the laid-out nodes in their phase colours; a click (or Enter on a
// focused node) selects a node for the node panel.
import {
  Background,
  Controls,
  Handle,
  Position,
  ReactFlow,
  type Edge,
  type Node,
  type NodeProps,
  type ReactFlowInstance,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { NodeStatus, Workflow } from '../api/types';
import { phaseClass } from '../shared/phase';
import { isGroup, workflowGraph } from './graph-model';

type StatusNode = Node<{ label: string; status: NodeStatus; selected: boolean }, 'status'>;

function StatusNodeView({ data }: NodeProps<StatusNode>) {
  const { status, label } = data;
  const group = isGroup(status);
  return (
    <div
      className={`graph-node ${group ? 'group' : ''} ${phaseClass(status.phase)} type-${status.type.toLowerCase()} ${data.selected ? 'selected' : ''}`}
      data-node-name={label}
      data-node-id={status.id}
      data-phase={status.phase ?? 'Pending'}
      title={`${label} (${status.type}): ${status.phase ?? 'Pending'}${status.message ? ` — ${status.message}` : ''}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      {!group && (
        <>
          <span className="graph-node-label">{label}</span>
          <span className="graph-node-type">{status.type}</span>
        </>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
}

const nodeTypes = { status: StatusNodeView };

export function WorkflowGraph({
  workflow,
  selected,
  onSelect,
}: {
  workflow: Workflow;
  selected?: string;
  onSelect: (id: string) => void;
}) {
  const { nodes, edges } = useMemo(() => {
    const graph = workflowGraph(workflow);
    const flowNodes: StatusNode[] = graph.nodes.map((n) => ({
      id: n.id,
      type: 'status',
      position: { x: n.x, y: n.y },
      width: n.width,
      height: n.height,
      data: { label: n.label, status: n.node, selected: n.id === selected },
      draggable: false,
      connectable: false,
      ariaLabel: `${n.label}: ${n.node.phase ?? 'Pending'}`,
    }));
    const flowEdges: Edge[] = graph.edges.map((e) => ({
      ...e,
      type: 'smoothstep',
      animated: workflow.status?.nodes?.[e.target]?.phase === 'Running',
    }));
    return { nodes: flowNodes, edges: flowEdges };
  }, [workflow, selected]);

  // The whole graph stays in view when its box changes size (the node panel opening beside it).
  const box = useRef<HTMLDivElement>(null);
  const [flow, setFlow] = useState<ReactFlowInstance<StatusNode>>();
  useEffect(() => {
    if (!box.current || !flow) return;
    const observer = new ResizeObserver(() => void flow.fitView({ maxZoom: 1.2 }));
    observer.observe(box.current);
    return () => observer.disconnect();
  }, [flow]);

  if (nodes.length === 0) return <p className="empty">No nodes yet: the workflow has not started.</p>;
  return (
    <div
      className="graph"
      ref={box}
      aria-label="Workflow graph"
      // xyflow makes nodes focusable; Enter on one selects it as a click does.
      onKeyDown={(e) => {
        const id = (e.target as HTMLElement).closest('.react-flow__node')?.getAttribute('data-id');
        if (e.key === 'Enter' && id) onSelect(id);
      }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodeClick={(_e, node) => onSelect(node.id)}
        onInit={setFlow}
        nodesDraggable={false}
        nodesConnectable={false}
        fitView
        fitViewOptions={{ maxZoom: 1.2 }}
        minZoom={0.1}
      >
        <Background />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
