// Synchronization limits (semaphores kept in ConfigMaps or the database). The API has no list, so a
// limit is looked up by where it lives and its key, then changed, created or deleted.
import { useState } from 'react';
import { ApiFailure, del, explain, get, post, put } from '../api/http';

interface SyncLimit {
  namespace?: string;
  cmName?: string;
  key?: string;
  limit?: number;
  type?: string;
}

export function SyncLimitsPage({ defaultNamespace }: { defaultNamespace: string }) {
  const [where, setWhere] = useState({ namespace: defaultNamespace, type: 'CONFIGMAP', cmName: '', key: '' });
  const [found, setFound] = useState<SyncLimit | null>();
  const [limit, setLimit] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string }>();
  const path = `sync/${encodeURIComponent(where.namespace)}`;
  const query = { cmName: where.cmName, type: where.type };

  const run = async (what: string, action: () => Promise<SyncLimit | null>): Promise<void> => {
    setMessage(undefined);
    try {
      const result = await action();
      setFound(result);
      if (result?.limit !== undefined) setLimit(String(result.limit));
      setMessage({ error: false, text: what });
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 404) {
        setFound(null);
        setMessage({ error: false, text: 'No such limit: set one below to create it.' });
      } else setMessage({ error: true, text: explain(err) });
    }
  };
  const field = (name: keyof typeof where, label: string) => (
    <div className="field">
      <label htmlFor={`sync-${name}`}>{label}</label>
      <input
        id={`sync-${name}`}
        value={where[name]}
        onChange={(e) => setWhere({ ...where, [name]: e.target.value })}
      />
    </div>
  );
  const body = { key: where.key, cmName: where.cmName, type: where.type, limit: Number(limit) };

  return (
    <section aria-labelledby="sync-title">
      <h1 id="sync-title">Synchronization limits</h1>
      <form
        aria-label="Find a limit"
        onSubmit={(e) => {
          e.preventDefault();
          void run('Found.', () => get<SyncLimit>(`${path}/${encodeURIComponent(where.key)}`, query));
        }}
      >
        {field('namespace', 'Namespace')}
        <div className="field">
          <label htmlFor="sync-type">Kept in</label>
          <select
            id="sync-type"
            value={where.type}
            onChange={(e) => setWhere({ ...where, type: e.target.value })}
          >
            <option value="CONFIGMAP">ConfigMap</option>
            <option value="DATABASE">Database</option>
          </select>
        </div>
        {where.type === 'CONFIGMAP' && field('cmName', 'ConfigMap')}
        {field('key', 'Key')}
        <button type="submit" disabled={!where.key}>
          Find
        </button>
      </form>
      {message && (
        <div className={message.error ? 'error' : 'info'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </div>
      )}
      {found !== undefined && (
        <form
          aria-label="Set the limit"
          onSubmit={(e) => {
            e.preventDefault();
            void run(found ? 'Updated.' : 'Created.', () =>
              found
                ? put<SyncLimit>(`${path}/${encodeURIComponent(where.key)}`, body)
                : post<SyncLimit>(path, body),
            );
          }}
        >
          <div className="field">
            <label htmlFor="sync-limit">Limit</label>
            <input
              id="sync-limit"
              type="number"
              min={1}
              value={limit}
              onChange={(e) => setLimit(e.target.value)}
            />
          </div>
          <button type="submit" className="primary" disabled={!(Number(limit) > 0)}>
            {found ? 'Update' : 'Create'}
          </button>{' '}
          {found && (
            <button
              type="button"
              onClick={() =>
                window.confirm(`Delete the limit ${where.key}?`) &&
                void run('Deleted.', async () => {
                  await del(
                    `${path}/${encodeURIComponent(where.key)}?${new URLSearchParams(query).toString()}`,
                  );
                  return null;
                })
              }
            >
              Delete
            </button>
          )}
        </form>
      )}
    </section>
  );
}
