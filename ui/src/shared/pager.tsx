// Paging a list as upstream's UI does: the page (`offset`, `limit`) kept in the URL, so a link or a
// reload shows the same rows, and a bar with Previous, Next, the rows shown out of how many, and the
// page size. The server's `continue` token for workflows and archived workflows is the offset of the
// page's first row (upstream's too), so the previous page starts `limit` rows earlier.
import { useSearchParams } from 'react-router';

export const PAGE_SIZES = [20, 50, 100, 500];
export const DEFAULT_PAGE_SIZE = 50;

/** All the rows there are: those before this page (its offset), on it, and the server's count after it. */
export function totalOf(offset: string | undefined, shown: number, remaining: number | undefined) {
  const before = Number(offset ?? 0);
  return remaining === undefined || !Number.isInteger(before) ? undefined : before + shown + remaining;
}

/** The page the URL asks for, and a way to another (`onMove` runs first, e.g. to clear a selection). */
export function usePage(onMove?: () => void): {
  offset?: string;
  limit: number;
  goTo: (offset: string | undefined, limit?: number) => void;
} {
  const [search, setSearch] = useSearchParams();
  const offset = search.get('offset') || undefined;
  const limit = Number(search.get('limit')) || DEFAULT_PAGE_SIZE;
  const goTo = (to: string | undefined, size = limit): void => {
    const next = new URLSearchParams(search);
    if (to) next.set('offset', to);
    else next.delete('offset');
    if (size !== DEFAULT_PAGE_SIZE) next.set('limit', String(size));
    else next.delete('limit');
    onMove?.();
    setSearch(next);
  };
  return { offset, limit, goTo };
}

export function Pager({
  offset,
  limit,
  shown,
  total,
  next,
  onPage,
}: {
  offset?: string;
  limit: number;
  shown: number;
  /** All the rows there are, when the server said. */
  total?: number;
  /** The next page's token, when there is one. */
  next?: string;
  onPage: (offset: string | undefined, limit?: number) => void;
}) {
  const from = Number(offset ?? 0) || 0;
  const previous = from - limit > 0 ? String(from - limit) : undefined;
  return (
    // A div in the navigation role: the page's <nav> rules style the main menu.
    <div className="pager" role="navigation" aria-label="Pages">
      <button type="button" disabled={!offset} onClick={() => onPage(previous)}>
        ‹ Previous
      </button>
      <span role="status" aria-live="polite" data-testid="page-range">
        {shown === 0
          ? `none past ${from.toLocaleString('en')}`
          : `${(from + 1).toLocaleString('en')}–${(from + shown).toLocaleString('en')}${total === undefined ? '' : ` of ${total.toLocaleString('en')}`}`}
      </span>
      <button type="button" disabled={!next} onClick={() => onPage(next)}>
        Next ›
      </button>
      <label>
        Per page{' '}
        <select value={limit} onChange={(e) => onPage(undefined, Number(e.target.value))}>
          {PAGE_SIZES.includes(limit) ? null : <option value={limit}>{limit}</option>}
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
