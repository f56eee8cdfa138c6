// Cron workflows: list and details, with suspend, resume and submit now; the next run is computed
// from the schedule here, as the server reports only the last one.
import { Cron } from 'croner';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { explain, get, post, put } from '../api/http';
import type { CronWorkflow, List, Workflow } from '../api/types';
import { NamespaceFilter, ResourceTable } from '../shared/resource-list';
import { ErrorNotice, Loading } from '../shared/status';
import { ago } from '../shared/time';
import { useApi } from '../shared/use-api';
import { YamlView } from '../shared/yaml';

const schedules = (c: CronWorkflow): string[] => [
  ...(c.spec.schedules ?? []),
  ...(c.spec.schedule ? [c.spec.schedule] : []),
];

/** The soonest next run of any of its schedules; empty when suspended or none parses. */
export function nextRun(c: CronWorkflow, now = new Date()): Date | undefined {
  if (c.spec.suspend) return undefined;
  let soonest: Date | undefined;
  for (const s of schedules(c)) {
    try {
      const next = new Cron(s, { timezone: c.spec.timezone || undefined, paused: true }).nextRun(now);
      if (next && (!soonest || next < soonest)) soonest = next;
    } catch {
      // A schedule croner does not read (e.g. `@every 1h`) has no next run shown.
    }
  }
  return soonest;
}

export function CronWorkflowsPage() {
  const { namespace = '' } = useParams();
  const loaded = useApi(
    (signal) => get<List<CronWorkflow>>(`cron-workflows/${encodeURIComponent(namespace)}`, undefined, signal),
    [namespace],
  );
  return (
    <section aria-labelledby="cron-title">
      <h1 id="cron-title">Cron Workflows</h1>
      <NamespaceFilter base="/cron-workflows" />
      <ResourceTable
        what="Cron Workflows"
        loaded={loaded}
        items={loaded.value?.items ?? []}
        rowKey={(c) => `${c.metadata.namespace}/${c.metadata.name}`}
        empty="No cron workflows. Create one with `argo cron create`."
        columns={[
          {
            title: 'Name',
            cell: (c) => (
              <Link to={`/cron-workflows/${c.metadata.namespace}/${c.metadata.name}`}>{c.metadata.name}</Link>
            ),
          },
          { title: 'Namespace', cell: (c) => c.metadata.namespace },
          { title: 'Schedule', cell: (c) => schedules(c).join(', ') },
          { title: 'Suspended', cell: (c) => (c.spec.suspend ? 'Yes' : 'No') },
          { title: 'Last run', cell: (c) => ago(c.status?.lastScheduledTime) },
          { title: 'Next run', cell: (c) => nextRun(c)?.toLocaleString() ?? '' },
        ]}
      />
    </section>
  );
}

export function CronWorkflowDetailsPage() {
  const { namespace = '', name = '' } = useParams();
  const navigate = useNavigate();
  const path = `cron-workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  const loaded = useApi((signal) => get<CronWorkflow>(path, undefined, signal), [path]);
  const [error, setError] = useState<string>();
  const cron = loaded.value;

  const act = async (label: string, run: () => Promise<unknown>): Promise<void> => {
    if (!window.confirm(`${label} ${name}?`)) return;
    setError(undefined);
    try {
      await run();
    } catch (err) {
      setError(`${label} failed: ${explain(err)}`);
    }
  };

  return (
    <section aria-labelledby="cron-title">
      <header className="page-header">
        <h1 id="cron-title">{name}</h1>
        {cron && (
          <div className="actions" role="toolbar" aria-label="Cron workflow actions">
            <button
              type="button"
              onClick={() =>
                void act('Submit now', async () => {
                  const wf = await post<Workflow>(`workflows/${encodeURIComponent(namespace)}/submit`, {
                    namespace,
                    resourceKind: 'CronWorkflow',
                    resourceName: name,
                  });
                  navigate(
                    `/workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(wf.metadata.name ?? '')}`,
                  );
                })
              }
            >
              Submit now
            </button>
            {cron.spec.suspend ? (
              <button
                type="button"
                onClick={() => void act('Resume', () => put(`${path}/resume`).then(loaded.reload))}
              >
                Resume
              </button>
            ) : (
              <button
                type="button"
                onClick={() => void act('Suspend', () => put(`${path}/suspend`).then(loaded.reload))}
              >
                Suspend
              </button>
            )}
          </div>
        )}
      </header>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      {loaded.error ? <ErrorNotice error={loaded.error} /> : null}
      {cron && (
        <dl className="summary fields">
          <div>
            <dt>Schedule</dt>
            <dd>{schedules(cron).join(', ')}</dd>
          </div>
          <div>
            <dt>Suspended</dt>
            <dd>{cron.spec.suspend ? 'Yes' : 'No'}</dd>
          </div>
          <div>
            <dt>Last run</dt>
            <dd>{cron.status?.lastScheduledTime ?? ''}</dd>
          </div>
          <div>
            <dt>Next run</dt>
            <dd>{nextRun(cron)?.toLocaleString() ?? ''}</dd>
          </div>
          <div>
            <dt>Active</dt>
            <dd>
              {(cron.status?.active ?? []).map((a) => (
                <Link key={a.name} to={`/workflows/${a.namespace}/${a.name}`}>
                  {a.name}{' '}
                </Link>
              ))}
            </dd>
          </div>
        </dl>
      )}
      {cron ? (
        <YamlView value={cron} label="Cron workflow YAML" />
      ) : (
        !loaded.error && <Loading what="cron workflow" />
      )}
    </section>
  );
}
