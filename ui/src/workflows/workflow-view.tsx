// One workflow shown: its summary, the graph or the YAML, and the selected node's panel. Used for live
// and archived workflows alike; the selected node and tab live in the URL (`?nodeId=`, `?tab=yaml`),
// so a link shows the same view.
import { useSearchParams } from 'react-router';
import type { Workflow } from '../api/types';
import { isDone, PhaseBadge } from '../shared/phase';
import { duration } from '../shared/time';
import { useNow } from '../shared/use-now';
import { YamlView } from '../shared/yaml';
import { WorkflowGraph } from './graph';
import { NodePanel } from './node-panel';

export function WorkflowView({ workflow, archived }: { workflow: Workflow; archived: boolean }) {
  const [search, setSearch] = useSearchParams();
  const tab = search.get('tab') === 'yaml' ? 'yaml' : 'graph';
  const nodeId = search.get('nodeId') ?? undefined;
  const node = nodeId ? workflow.status?.nodes?.[nodeId] : undefined;
  const now = useNow(!isDone(workflow.status?.phase));
  const set = (key: string, value: string | undefined): void => {
    const next = new URLSearchParams(search);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    setSearch(next, { replace: true });
  };

  return (
    <>
      <dl className="summary fields" aria-label="Summary">
        <div>
          <dt>Status</dt>
          <dd data-testid="workflow-phase">
            <PhaseBadge phase={workflow.status?.phase} />
            {workflow.spec.suspend && <span className="tag">Suspended</span>}
          </dd>
        </div>
        <div>
          <dt>Namespace</dt>
          <dd>{workflow.metadata.namespace}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{workflow.status?.startedAt ?? ''}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{duration(workflow.status?.startedAt, workflow.status?.finishedAt, now)}</dd>
        </div>
        <div>
          <dt>Progress</dt>
          <dd>{workflow.status?.progress ?? ''}</dd>
        </div>
      </dl>
      {workflow.status?.message && (
        <p
          className={`workflow-message ${isDone(workflow.status.phase) && workflow.status.phase !== 'Succeeded' ? 'error' : ''}`}
          role="note"
          data-testid="workflow-message"
        >
          {workflow.status.message}
        </p>
      )}
      <div className="tabs" role="tablist" aria-label="View">
        <button
          type="button"
          role="tab"
          aria-selected={tab === 'graph'}
          onClick={() => set('tab', undefined)}
        >
          Graph
        </button>
        <button type="button" role="tab" aria-selected={tab === 'yaml'} onClick={() => set('tab', 'yaml')}>
          YAML
        </button>
      </div>
      <div className="workflow-body">
        <div className="workflow-main" role="tabpanel">
          {tab === 'yaml' ? (
            <YamlView value={workflow} label="Workflow YAML" />
          ) : (
            <WorkflowGraph workflow={workflow} selected={nodeId} onSelect={(id) => set('nodeId', id)} />
          )}
        </div>
        {node && (
          <NodePanel
            workflow={workflow}
            node={node}
            archived={archived}
            onClose={() => set('nodeId', undefined)}
          />
        )}
      </div>
    </>
  );
}
