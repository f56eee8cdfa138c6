// Reading container logs the host runtime wrote: one file per container, each line
// `<RFC3339Nano> <content>`, and a `.done` marker once the container has exited. Used by
// `argo logs` on the local backend; the options are Kubernetes' PodLogOptions plus Argo's grep.
import { watch, type FSWatcher } from 'node:fs';
import { access, open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { parseTime } from './log-time.js';
import { containerLogDonePath, containerLogPath } from './paths.js';

export interface LogLine {
  /** RFC 3339 with nanoseconds, UTC. */
  time: string;
  /** The line without its newline; prefixed with `time ` when `timestamps` is set. */
  content: string;
}

export interface ReadPodLogsOptions {
  /** Keep reading until the container has exited and its log is complete. */
  follow?: boolean;
  /** Only lines at or after this RFC 3339 time. */
  sinceTime?: string;
  /** Only lines from the last this many seconds. */
  sinceSeconds?: number;
  /** Only the last this many lines written so far (following continues after them). */
  tailLines?: number;
  /** Prefix each line's content with its timestamp, as `kubectl logs --timestamps` does. */
  timestamps?: boolean;
  /** Only lines whose content matches this regular expression. */
  grep?: string;
  signal?: AbortSignal;
  /** How often a follower looks for new lines when file events are not delivered. Default 200 ms. */
  pollIntervalMs?: number;
}

const CHUNK = 64 * 1024;

export async function* readPodLogs(
  home: string,
  namespace: string,
  podName: string,
  container: string,
  opts: ReadPodLogsOptions = {},
): AsyncGenerator<LogLine> {
  const file = containerLogPath(home, namespace, podName, container);
  const doneMarker = containerLogDonePath(home, namespace, podName, container);
  const filter = lineFilter(opts);
  const signal = opts.signal;
  const waiter = opts.follow ? new ChangeWaiter(path.dirname(file), opts.pollIntervalMs ?? 200) : undefined;
  let handle: FileHandle | undefined;
  try {
    while (!(handle = await openIfExists(file))) {
      if (!waiter || signal?.aborted || (await exists(doneMarker))) return;
      await waiter.next(signal);
    }
    const reader = new LineReader(handle);
    let first = await reader.readAvailable();
    if (opts.tailLines !== undefined && opts.tailLines >= 0)
      first = first.slice(Math.max(0, first.length - opts.tailLines));
    for (const raw of first) {
      const line = filter(raw);
      if (line) yield line;
    }
    if (!waiter) {
      const rest = reader.flush();
      const line = rest === undefined ? undefined : filter(rest);
      if (line) yield line;
      return;
    }
    while (!signal?.aborted) {
      // Check the marker before reading so lines written just before it are not missed.
      const done = await exists(doneMarker);
      for (const raw of await reader.readAvailable()) {
        const line = filter(raw);
        if (line) yield line;
      }
      if (done) {
        const rest = reader.flush();
        const line = rest === undefined ? undefined : filter(rest);
        if (line) yield line;
        return;
      }
      await waiter.next(signal);
    }
  } finally {
    waiter?.close();
    await handle?.close();
  }
}

/**
 * Turns a raw `<time> <content>` line (a log file's, or the pods/log API's with timestamps) into a
 * LogLine, or undefined when the options exclude it.
 */
export function lineFilter(opts: ReadPodLogsOptions): (raw: string) => LogLine | undefined {
  let since: number | undefined;
  if (opts.sinceTime) {
    since = parseTime(opts.sinceTime);
    if (Number.isNaN(since)) throw new Error(`invalid sinceTime "${opts.sinceTime}": want an RFC 3339 time`);
  }
  if (opts.sinceSeconds !== undefined) {
    const from = Date.now() - opts.sinceSeconds * 1000;
    since = since === undefined ? from : Math.max(since, from);
  }
  let rx: RegExp | undefined;
  if (opts.grep) {
    try {
      rx = new RegExp(opts.grep);
    } catch (err) {
      throw new Error(`failed to compile "${opts.grep}": ${(err as Error).message}`);
    }
  }
  return (raw) => {
    const space = raw.indexOf(' ');
    const time = space < 0 ? raw : raw.slice(0, space);
    const text = space < 0 ? '' : raw.slice(space + 1);
    if (since !== undefined && parseTime(time) < since) return undefined;
    const content = opts.timestamps ? raw : text;
    if (rx && !rx.test(content)) return undefined;
    return { time, content };
  };
}

/** Reads whole lines from a file that may still be growing, keeping a partial last line for later. */
class LineReader {
  private position = 0;
  private pending = '';
  private readonly buffer = Buffer.alloc(CHUNK);
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly handle: FileHandle) {}

  async readAvailable(): Promise<string[]> {
    const lines: string[] = [];
    while (true) {
      const { bytesRead } = await this.handle.read(this.buffer, 0, CHUNK, this.position);
      if (bytesRead === 0) return lines;
      this.position += bytesRead;
      const parts = (
        this.pending + this.decoder.decode(this.buffer.subarray(0, bytesRead), { stream: true })
      ).split('\n');
      this.pending = parts.pop() ?? '';
      lines.push(...parts);
    }
  }

  /** The unterminated last line, once nothing more will be written. */
  flush(): string | undefined {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return rest === '' ? undefined : rest;
  }
}

/** Resolves `next()` on the next change in a folder, or after the poll interval at the latest. */
class ChangeWaiter {
  private watcher: FSWatcher | undefined;
  private wake: (() => void) | undefined;
  private changed = false;

  constructor(
    private readonly dir: string,
    private readonly pollMs: number,
  ) {}

  async next(signal?: AbortSignal): Promise<void> {
    this.ensureWatching();
    if (this.changed) {
      this.changed = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.wake = undefined;
        this.changed = false;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      signal?.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }

  close(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }

  private ensureWatching(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.dir, () => {
        this.changed = true;
        this.wake?.();
      });
      this.watcher.on('error', () => this.close());
    } catch {
      // The folder does not exist yet: polling covers it until it does.
    }
  }
}

async function openIfExists(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
