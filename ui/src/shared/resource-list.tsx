// A list page of one resource kind: namespace filter in the URL, loading/error/empty states, and a
// table whose columns the caller gives.
import { useNavigate, useParams } from 'react-router';
import { Empty, ErrorNotice, Loading } from './status';
import type { Loaded } from './use-api';

export interface Column<T> {
  title: string;
  cell: (item: T) => React.ReactNode;
}

export function NamespaceFilter({ base }: { base: string }) {
  const { namespace = '' } = useParams();
  const navigate = useNavigate();
  return (
    <form
      className="filters"
      aria-label="Filters"
      onSubmit={(e) => {
        e.preventDefault();
        const ns = String(new FormData(e.currentTarget).get('namespace') ?? '').trim();
        navigate(ns ? `${base}/${encodeURIComponent(ns)}` : base);
      }}
    >
      <label>
        Namespace <input name="namespace" defaultValue={namespace} placeholder="all" key={namespace} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}

export function ResourceTable<T>({
  what,
  loaded,
  items,
  columns,
  rowKey,
  empty,
}: {
  what: string;
  loaded: Loaded<unknown>;
  items: T[];
  columns: Column<T>[];
  rowKey: (item: T) => string;
  empty: React.ReactNode;
}) {
  if (loaded.error) return <ErrorNotice error={loaded.error} />;
  if (loaded.loading && !loaded.value) return <Loading what={what} />;
  if (items.length === 0) return <Empty>{empty}</Empty>;
  return (
    <table className="list" aria-label={what}>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c.title}>{c.title}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {items.map((item) => (
          <tr key={rowKey(item)}>
            {columns.map((c) => (
              <td key={c.title}>{c.cell(item)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
