// Loading, error and empty states, the same on every page.
import { Link } from 'react-router';
import { ApiFailure, explain } from '../api/http';

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNotice({ error }: { error: unknown }) {
  const status = error instanceof ApiFailure ? error.status : 0;
  return (
    <div className="error" role="alert">
      {explain(error)}
      {(status === 401 || status === 403) && (
        <>
          {' '}
          <Link to="/login">Log in</Link>
        </>
      )}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}
