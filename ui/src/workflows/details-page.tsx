// A live workflow: fetched once, then kept current by the watch stream (this workflow only, by field
// selector), with its actions.
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { explain, get } from '../api/http';
import { watch } from '../api/stream';
import type { Workflow } from '../api/types';
import { isNotOlder } from '../shared/resource-version';
import { ErrorNotice, Loading } from '../shared/status';
import { WORKFLOW_ACTIONS } from './actions';
import { WorkflowView } from './workflow-view';

function useWorkflow(namespace: string, name: string) {
  const [workflow, setAnyWorkflow] = useState<Workflow>();
  // Events and action replies race; the newest copy wins whichever arrives last.
  const setWorkflow = useCallback(
    (next: Workflow) => setAnyWorkflow((current) => (isNotOlder(next, current) ? next : current)),
    [],
  );
  const [error, setError] = useState<unknown>();
  const [deleted, setDeleted] = useState(false);
  useEffect(() => {
    const abort = new AbortController();
    let stop: (() => void) | undefined;
    setAnyWorkflow(undefined);
    setError(undefined);
    setDeleted(false);
    get<Workflow>(
      `workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
      undefined,
      abort.signal,
    ).then(
      (wf) => {
        if (abort.signal.aborted) return;
        setWorkflow(wf);
        stop = watch<Workflow>(
          `workflow-events/${encodeURIComponent(namespace)}`,
          {
            'listOptions.fieldSelector': `metadata.name=${name}`,
            'listOptions.resourceVersion': wf.metadata.resourceVersion,
          },
          (event) => {
            if (event.type === 'DELETED') setDeleted(true);
            else setWorkflow(event.object);
          },
          (message) => setError(new Error(`Live updates stopped: ${message}`)),
        );
      },
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => {
      abort.abort();
      stop?.();
    };
  }, [namespace, name, setWorkflow]);
  return { workflow, setWorkflow, error, deleted };
}

export function WorkflowDetailsPage() {
  const { namespace = '', name = '' } = useParams();
  const navigate = useNavigate();
  const { workflow, setWorkflow, error, deleted } = useWorkflow(namespace, name);
  const [actionError, setActionError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const act = async (actionName: string): Promise<void> => {
    const action = WORKFLOW_ACTIONS.find((a) => a.name === actionName)!;
    if (!window.confirm(action.confirm)) return;
    setBusy(true);
    setActionError(undefined);
    try {
      const result = (await action.run(namespace, name)) as Workflow | undefined;
      if (action.name === 'delete') navigate(`/workflows/${encodeURIComponent(namespace)}`);
      else if (action.name === 'resubmit' && result?.metadata?.name)
        navigate(`/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(result.metadata.name)}`);
      else if (result?.metadata) setWorkflow(result);
    } catch (err) {
      setActionError(`${action.label} failed: ${explain(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="workflow-title">
      <header className="page-header">
        <h1 id="workflow-title">{name}</h1>
        {workflow && (
          <div className="actions" role="toolbar" aria-label="Workflow actions">
            {WORKFLOW_ACTIONS.filter((a) => a.applies(workflow)).map((a) => (
              <button key={a.name} type="button" disabled={busy} onClick={() => void act(a.name)}>
                {a.label}
              </button>
            ))}
          </div>
        )}
      </header>
      {deleted && (
        <div className="warning" role="status">
          This workflow was deleted.
        </div>
      )}
      {actionError && (
        <div className="error" role="alert">
          {actionError}
        </div>
      )}
      {error ? <ErrorNotice error={error} /> : null}
      {workflow ? (
        <WorkflowView workflow={workflow} archived={false} />
      ) : (
        !error && <Loading what="workflow" />
      )}
    </section>
  );
}
