// Archived workflows (when the server has persistence): list and details, with retry, resubmit and
// delete. A server without an archive answers with an error the page shows as it is.
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { del, explain, get, put } from '../api/http';
import type { List, Workflow } from '../api/types';
import { Pager, totalOf, usePage } from '../shared/pager';
import { PhaseBadge } from '../shared/phase';
import { NamespaceFilter, ResourceTable } from '../shared/resource-list';
import { ErrorNotice, Loading } from '../shared/status';
import { ago, duration } from '../shared/time';
import { useApi } from '../shared/use-api';
import { WorkflowView } from '../workflows/workflow-view';

export function ArchivedWorkflowsPage() {
  const { namespace = '' } = useParams();
  const { offset, limit, goTo } = usePage();
  const loaded = useApi(
    (signal) =>
      get<List<Workflow>>(
        'archived-workflows',
        {
          namespace: namespace || undefined,
          'listOptions.limit': limit,
          'listOptions.continue': offset,
          'listOptions.fieldSelector': 'ext.showRemainingItemCount=true',
        },
        signal,
      ),
    [namespace, offset, limit],
  );
  const items = loaded.value?.items ?? [];
  return (
    <section aria-labelledby="archived-title">
      <h1 id="archived-title">Archived Workflows</h1>
      <NamespaceFilter base="/archived-workflows" />
      {loaded.value && (items.length > 0 || offset) && (
        <Pager
          offset={offset}
          limit={limit}
          shown={items.length}
          total={totalOf(offset, items.length, loaded.value.metadata?.remainingItemCount)}
          next={loaded.value.metadata?.continue || undefined}
          onPage={goTo}
        />
      )}
      <ResourceTable
        what="Archived Workflows"
        loaded={loaded}
        items={items}
        rowKey={(w) => w.metadata.uid ?? ''}
        empty="No archived workflows."
        columns={[
          { title: 'Phase', cell: (w) => <PhaseBadge phase={w.status?.phase} /> },
          {
            title: 'Name',
            cell: (w) => (
              <Link to={`/archived-workflows/${w.metadata.namespace}/${w.metadata.uid}`}>
                {w.metadata.name}
              </Link>
            ),
          },
          { title: 'Namespace', cell: (w) => w.metadata.namespace },
          { title: 'Started', cell: (w) => ago(w.status?.startedAt) },
          { title: 'Duration', cell: (w) => duration(w.status?.startedAt, w.status?.finishedAt) },
        ]}
      />
    </section>
  );
}

export function ArchivedWorkflowDetailsPage() {
  const { uid = '' } = useParams();
  const navigate = useNavigate();
  const loaded = useApi(
    (signal) => get<Workflow>(`archived-workflows/${encodeURIComponent(uid)}`, undefined, signal),
    [uid],
  );
  const [error, setError] = useState<string>();
  const wf = loaded.value;

  const act = async (label: string, run: () => Promise<Workflow | object>): Promise<void> => {
    if (!window.confirm(`${label} this archived workflow?`)) return;
    setError(undefined);
    try {
      const result = await run();
      const created = (result as Workflow).metadata;
      if (label === 'Delete') navigate('/archived-workflows');
      else if (created?.name) navigate(`/workflows/${created.namespace}/${created.name}`);
    } catch (err) {
      setError(`${label} failed: ${explain(err)}`);
    }
  };

  return (
    <section aria-labelledby="archived-title">
      <header className="page-header">
        <h1 id="archived-title">{wf?.metadata.name ?? uid}</h1>
        {wf && (
          <div className="actions" role="toolbar" aria-label="Archived workflow actions">
            {(wf.status?.phase === 'Failed' || wf.status?.phase === 'Error') && (
              <button
                type="button"
                onClick={() =>
                  void act('Retry', () =>
                    put(`archived-workflows/${uid}/retry`, { namespace: wf.metadata.namespace }),
                  )
                }
              >
                Retry
              </button>
            )}
            <button
              type="button"
              onClick={() =>
                void act('Resubmit', () =>
                  put(`archived-workflows/${uid}/resubmit`, { namespace: wf.metadata.namespace }),
                )
              }
            >
              Resubmit
            </button>
            <button type="button" onClick={() => void act('Delete', () => del(`archived-workflows/${uid}`))}>
              Delete
            </button>
          </div>
        )}
      </header>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {loaded.error ? <ErrorNotice error={loaded.error} /> : null}
      {wf ? <WorkflowView workflow={wf} archived /> : !loaded.error && <Loading what="archived workflow" />}
    </section>
  );
}
