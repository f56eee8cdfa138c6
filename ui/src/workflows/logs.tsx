// A node's logs, per container, following while the node runs (the server ends the stream when the
// container is done).
import { useEffect, useState } from 'react';
import { readLines } from '../api/stream';
import type { LogEntry, NodeStatus, Workflow } from '../api/types';
import { isDone } from '../shared/phase';
import { ErrorNotice } from '../shared/status';
import { podNameOf } from '../shared/pod-name';

/** The containers of the node's template: a container set's, else `main`; then the wait sidecar. */
export function containersOf(wf: Workflow, node: NodeStatus): string[] {
  const template =
    wf.status?.storedTemplates?.[`namespaced/${node.templateName}`] ??
    wf.spec.templates?.find((t) => t.name === node.templateName);
  const own = template?.containerSet?.containers?.map((c) => c.name) ?? ['main'];
  return [...own, 'init', 'wait'];
}

export function NodeLogs({ workflow, node }: { workflow: Workflow; node: NodeStatus }) {
  const containers = containersOf(workflow, node);
  const [container, setContainer] = useState(containers[0]);
  const [text, setText] = useState('');
  const [error, setError] = useState<unknown>();
  const [ended, setEnded] = useState(false);
  const follow = !isDone(node.phase);
  // A pod that has not started has no logs to follow yet: the stream opens once it runs.
  const started = node.phase !== undefined && node.phase !== 'Pending';
  const namespace = workflow.metadata.namespace ?? '';
  const name = workflow.metadata.name ?? '';
  const podName = podNameOf(workflow, node);

  useEffect(() => {
    if (!started) return;
    const abort = new AbortController();
    setText('');
    setError(undefined);
    setEnded(false);
    readLines<LogEntry>(
      `workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/log`,
      { podName, 'logOptions.container': container, 'logOptions.follow': follow },
      (entry) => setText((t) => t + (entry.content ?? '') + '\n'),
      abort.signal,
    ).then(
      () => !abort.signal.aborted && setEnded(true),
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => abort.abort();
    // A node that finishes keeps the stream it has; it ends with the container.
  }, [namespace, name, podName, container, started]);

  return (
    <div className="logs">
      <label>
        Container{' '}
        <select value={container} onChange={(e) => setContainer(e.target.value)}>
          {containers.map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </label>
      {error ? <ErrorNotice error={error} /> : null}
      <pre className="log-text" aria-label="Logs" tabIndex={0} data-ended={ended}>
        {text || (ended ? 'No logs.' : started ? 'Waiting for logs…' : 'Waiting for the pod to start…')}
      </pre>
    </div>
  );
}
