// A GET as React state: loading, then the value or the error; `reload` asks again.
import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  value?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ value?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [round, setRound] = useState(0);
  const run = useCallback(load, deps);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    run(abort.signal).then(
      (value) => !abort.signal.aborted && setState({ value, loading: false }),
      (error: unknown) => !abort.signal.aborted && setState({ error, loading: false }),
    );
    return () => abort.abort();
  }, [run, round]);
  return { ...state, reload: useCallback(() => setRound((r) => r + 1), []) };
}
