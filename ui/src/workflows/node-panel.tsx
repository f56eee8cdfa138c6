// The selected node: its summary, inputs and outputs (artifacts link to the server's artifact
// downloads), and for pods its logs.
import type { Artifact, IO, NodeStatus, Workflow } from '../api/types';
import { PhaseBadge } from '../shared/phase';
import { duration } from '../shared/time';
import { NodeLogs } from './logs';

/** The download URL of an artifact, relative to the base href as the API's are. */
export function artifactUrl(
  wf: Workflow,
  node: NodeStatus,
  direction: 'inputs' | 'outputs',
  artifact: Artifact,
  archived: boolean,
): string {
  const ns = encodeURIComponent(wf.metadata.namespace ?? '');
  const id = archived
    ? `archived-workflows/${wf.metadata.uid}`
    : `workflows/${encodeURIComponent(wf.metadata.name ?? '')}`;
  return `artifact-files/${ns}/${id}/${encodeURIComponent(node.id)}/${direction}/${encodeURIComponent(artifact.name)}`;
}

function IoTable({ io, title, link }: { io?: IO; title: string; link: (a: Artifact) => string }) {
  const parameters = io?.parameters ?? [];
  const artifacts = io?.artifacts ?? [];
  const result = io?.result;
  if (parameters.length === 0 && artifacts.length === 0 && result === undefined && io?.exitCode === undefined)
    return null;
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      <dl className="fields">
        {parameters.map((p) => (
          <div key={`p-${p.name}`}>
            <dt>{p.name}</dt>
            <dd>{p.value ?? p.default ?? ''}</dd>
          </div>
        ))}
        {result !== undefined && (
          <div>
            <dt>result</dt>
            <dd>{result}</dd>
          </div>
        )}
        {io?.exitCode !== undefined && (
          <div>
            <dt>exit code</dt>
            <dd>{io.exitCode}</dd>
          </div>
        )}
        {artifacts.map((a) => (
          <div key={`a-${a.name}`}>
            <dt>{a.name}</dt>
            <dd>
              <a href={link(a)} download className="artifact-link">
                ↓ Download {a.name}
              </a>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function NodePanel({
  workflow,
  node,
  archived,
  onClose,
}: {
  workflow: Workflow;
  node: NodeStatus;
  archived: boolean;
  onClose: () => void;
}) {
  const summary: [string, React.ReactNode][] = [
    ['Name', node.name],
    ['ID', node.id],
    ['Type', node.type],
    ['Phase', <PhaseBadge phase={node.phase} key="phase" />],
    [
      'Template',
      node.templateRef ? `${node.templateRef.name}/${node.templateRef.template}` : node.templateName,
    ],
    ['Started', node.startedAt],
    ['Finished', node.finishedAt],
    ['Duration', duration(node.startedAt, node.finishedAt)],
    ['Progress', node.progress],
    ['Host', node.hostNodeName],
  ];
  return (
    <aside className="node-panel" aria-label={`Node ${node.displayName || node.name}`}>
      <header>
        <h2>{node.displayName || node.name}</h2>
        <button type="button" onClick={onClose} aria-label="Close node panel">
          ✕
        </button>
      </header>
      {node.message && (
        <p
          className={`node-message ${node.phase === 'Failed' || node.phase === 'Error' ? 'error' : ''}`}
          role="note"
        >
          {node.message}
        </p>
      )}
      <dl className="fields">
        {summary
          .filter(([, v]) => v !== undefined && v !== '')
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      <IoTable
        io={node.inputs}
        title="Inputs"
        link={(a) => artifactUrl(workflow, node, 'inputs', a, archived)}
      />
      <IoTable
        io={node.outputs}
        title="Outputs"
        link={(a) => artifactUrl(workflow, node, 'outputs', a, archived)}
      />
      {node.type === 'Pod' && !archived && (
        <section aria-label="Node logs">
          <h3>Logs</h3>
          <NodeLogs workflow={workflow} node={node} />
        </section>
      )}
    </aside>
  );
}
