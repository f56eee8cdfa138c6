// Containers of a pod talk through files on the shared /var/run/argo volume: one writes an exit
// code or a signal number, another waits for it. Watching the folder (inotify) rather than the file
// sees a file that does not exist yet; polling is the fallback when the kernel has no watches left.
import { existsSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';

const POLL_MS = 500;

/**
 * Calls `onChange` whenever `file` is created or written, and once at the start if it already
 * exists, until `signal` aborts. The folder holding `file` must exist.
 */
export function watchFile(file: string, onChange: () => void, signal: AbortSignal): void {
  if (signal.aborted) return;
  const base = path.basename(file);
  let watcher: FSWatcher | undefined;
  let poller: NodeJS.Timeout | undefined;
  let last = '';
  const poll = () => {
    let mark = '';
    try {
      const st = statSync(file);
      mark = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      // Not there (yet): nothing to report.
    }
    if (mark && mark !== last) onChange();
    last = mark;
  };
  const startPolling = () => {
    watcher?.close();
    watcher = undefined;
    if (!poller && !signal.aborted) poller = setInterval(poll, POLL_MS);
  };
  try {
    // The watch goes on before the first look, so a file written in between is not missed.
    watcher = watch(path.dirname(file), (_event, name) => {
      if (name === null || name === base) onChange();
    });
    watcher.on('error', startPolling);
  } catch {
    startPolling();
  }
  signal.addEventListener(
    'abort',
    () => {
      watcher?.close();
      clearInterval(poller);
    },
    { once: true },
  );
  if (existsSync(file)) onChange();
}

/** Resolves once `file` exists; rejects with the abort reason if `signal` aborts first. */
export function waitForFile(file: string, signal: AbortSignal): Promise<void> {
  return waitForValue(file, () => true, signal).then(() => undefined);
}

/**
 * Resolves with `parse(content)` the first time `file` exists and `parse` returns a value other
 * than undefined; a file caught half-written is read again at its next change.
 */
export function waitForValue<T>(
  file: string,
  parse: (content: string) => T | undefined,
  signal: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = new AbortController();
    const stop = () => {
      done.abort();
      reject(signal.reason);
    };
    if (signal.aborted) return stop();
    signal.addEventListener('abort', stop, { once: true });
    watchFile(
      file,
      () => {
        if (done.signal.aborted) return;
        let content: string;
        try {
          content = readFileSync(file, 'utf8');
        } catch {
          return;
        }
        const value = parse(content);
        if (value === undefined) return;
        signal.removeEventListener('abort', stop);
        done.abort();
        resolve(value);
      },
      done.signal,
    );
  });
}

/** An exit code or signal number as the files hold them: a decimal integer, spaces around it. */
export function parseIntFile(content: string): number | undefined {
  const t = content.trim();
  return /^[+-]?\d+$/.test(t) ? Number(t) : undefined;
}
