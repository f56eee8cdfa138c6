// The workflows list: filters (namespace, phase, labels) and the page (`offset`, `limit`, as upstream's
// UI names them) kept in the URL, live rows, and bulk actions on the selected workflows.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { explain } from '../api/http';
import type { Workflow } from '../api/types';
import { isDone, PhaseBadge, WORKFLOW_PHASES } from '../shared/phase';
import { Pager, usePage } from '../shared/pager';
import { Empty, ErrorNotice, Loading } from '../shared/status';
import { ago, duration } from '../shared/time';
import { useNow } from '../shared/use-now';
import { WORKFLOW_ACTIONS } from './actions';
import { labelSelector, useWorkflows } from './use-workflows';

const key = (wf: Workflow): string => `${wf.metadata.namespace}/${wf.metadata.name}`;

export function WorkflowsListPage() {
  const { namespace = '' } = useParams();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const phases = search.getAll('phase');
  const labels = search.get('label') ?? '';
  const selector = labelSelector(phases, labels);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const { offset, limit, goTo } = usePage(() => setSelected(new Set()));
  const { items, total, next, error, streamError } = useWorkflows(namespace, selector, {
    continue: offset,
    limit,
  });
  const [bulkError, setBulkError] = useState<string>();
  const now = useNow(items?.some((w) => !isDone(w.status?.phase)) ?? false);

  const chosen = useMemo(() => (items ?? []).filter((w) => selected.has(key(w))), [items, selected]);

  const togglePhase = (phase: string): void => {
    const next = new URLSearchParams(search);
    next.delete('phase');
    next.delete('offset');
    for (const p of phases.includes(phase) ? phases.filter((x) => x !== phase) : [...phases, phase])
      next.append('phase', p);
    setSearch(next);
  };

  const bulk = async (name: string): Promise<void> => {
    const action = WORKFLOW_ACTIONS.find((a) => a.name === name)!;
    const targets = chosen.filter(action.applies);
    if (targets.length === 0 || !window.confirm(`${action.label} ${targets.length} workflow(s)?`)) return;
    const results = await Promise.allSettled(
      targets.map((w) => action.run(w.metadata.namespace ?? '', w.metadata.name ?? '')),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${key(targets[i])}: ${explain(r.reason)}`] : [],
    );
    setBulkError(failed.length ? failed.join('; ') : undefined);
    setSelected(new Set());
  };

  return (
    <section aria-labelledby="workflows-title">
      <header className="page-header">
        <h1 id="workflows-title">Workflows</h1>
        <Link className="button primary" to="/submit">
          + Submit new workflow
        </Link>
      </header>
      <form
        className="filters"
        aria-label="Filters"
        onSubmit={(e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const ns = String(data.get('namespace') ?? '').trim();
          const next = new URLSearchParams(search);
          next.delete('offset');
          const label = String(data.get('label') ?? '').trim();
          if (label) next.set('label', label);
          else next.delete('label');
          navigate({
            pathname: ns ? `/workflows/${encodeURIComponent(ns)}` : '/workflows',
            search: next.toString(),
          });
        }}
      >
        <label>
          Namespace <input name="namespace" defaultValue={namespace} placeholder="all" key={namespace} />
        </label>
        <label>
          Labels <input name="label" defaultValue={labels} placeholder="key=value" key={labels} />
        </label>
        <button type="submit">Apply</button>
        <fieldset className="phases">
          <legend>Phase</legend>
          {WORKFLOW_PHASES.map((p) => (
            <label key={p}>
              <input type="checkbox" checked={phases.includes(p)} onChange={() => togglePhase(p)} /> {p}
            </label>
          ))}
        </fieldset>
      </form>
      {streamError && (
        <div className="warning" role="status">
          Live updates stopped: {streamError}
        </div>
      )}
      {bulkError && (
        <div className="error" role="alert">
          {bulkError}
        </div>
      )}
      {chosen.length > 0 && (
        <div className="bulk" role="toolbar" aria-label="Bulk actions">
          {chosen.length} selected:
          {WORKFLOW_ACTIONS.filter((a) => a.name !== 'retry' && a.name !== 'resubmit').map((a) => (
            <button key={a.name} type="button" onClick={() => void bulk(a.name)}>
              {a.label}
            </button>
          ))}
        </div>
      )}
      {/* Above the rows, so the count and the way on show without scrolling. */}
      {items && (items.length > 0 || offset) && (
        <Pager offset={offset} limit={limit} shown={items.length} total={total} next={next} onPage={goTo} />
      )}
      {error ? (
        <ErrorNotice error={error} />
      ) : !items ? (
        <Loading what="workflows" />
      ) : items.length === 0 ? (
        <Empty>
          No workflows{selector ? ' match these filters' : ''}. <Link to="/submit">Submit one</Link>.
        </Empty>
      ) : (
        <table className="list" aria-label="Workflows">
          <thead>
            <tr>
              <th>
                <input
                  type="checkbox"
                  aria-label="Select all"
                  checked={chosen.length === items.length}
                  onChange={(e) => setSelected(e.target.checked ? new Set(items.map(key)) : new Set())}
                />
              </th>
              <th>Phase</th>
              <th>Name</th>
              <th>Namespace</th>
              <th>Started</th>
              <th>Duration</th>
              <th>Progress</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {items.map((wf) => (
              <tr key={wf.metadata.uid} data-workflow={wf.metadata.name}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${wf.metadata.name}`}
                    checked={selected.has(key(wf))}
                    onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(key(wf));
                      else next.delete(key(wf));
                      setSelected(next);
                    }}
                  />
                </td>
                <td>
                  <PhaseBadge phase={wf.status?.phase} />
                  {wf.spec?.suspend && <span className="tag">Suspended</span>}
                </td>
                <td>
                  <Link to={`/workflows/${wf.metadata.namespace}/${wf.metadata.name}`}>
                    {wf.metadata.name}
                  </Link>
                </td>
                <td>{wf.metadata.namespace}</td>
                <td title={wf.status?.startedAt}>
                  {ago(wf.status?.startedAt ?? wf.metadata.creationTimestamp, now)}
                </td>
                <td>{duration(wf.status?.startedAt, wf.status?.finishedAt, now)}</td>
                <td>{wf.status?.progress}</td>
                <td className="message">{wf.status?.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
