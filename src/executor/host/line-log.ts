// Writes a container's stdout and stderr into its log file the way the kubelet does: one line per
// output line, each prefixed with its RFC3339Nano timestamp and a space. Each stream keeps its own
// partial line, so interleaved writes never splice two lines together. A write that fails (a full
// disk, an I/O error) is not thrown at the stream feeding it: the log stops, says why in `failure`,
// and tells its onFailure listener, which stops the container whose output has nowhere to go.
import { close, openSync, writeSync } from 'node:fs';
import { nowNano } from '../log-time.js';
import { writeFailure } from './write-failure.js';

/** Longer lines are split, as the kubelet splits lines over 16 KiB. */
const MAX_LINE = 16 * 1024;
const NEWLINE = 0x0a;

export class LineLog {
  /**
   * The log file, opened (created) for appending at its first line: a container whose output the
   * shim writes, or that prints nothing, costs no call on the way to its start. Readers take a
   * missing log for an empty one.
   */
  static open(file: string): LineLog {
    return new LineLog(file);
  }

  /** Why writing stopped ("writing PATH: CAUSE"), once a write failed. */
  failure: string | undefined;
  /** Called once, when a write fails. */
  onFailure: (message: string) => void = () => undefined;
  /**
   * A plain descriptor (not a FileHandle, which would close it again when collected). Writes stay
   * synchronous on it, so lines are in the file in the order they came.
   */
  private fd: number | undefined;
  private closed = false;

  private constructor(private readonly file: string) {}

  /** A sink for one output stream: feed it chunks, then end() it to flush a partial last line. */
  stream(): LineSink {
    return new LineSink(this);
  }

  /** Makes the file now, if no line has yet: a container that ran has a log, empty or not. */
  create(): void {
    this.append(undefined);
  }

  write(lines: Buffer[]): void {
    if (lines.length > 0) this.append(logLines(lines));
  }

  private append(data: Buffer | undefined): void {
    if (this.closed) return;
    try {
      this.fd ??= openSync(this.file, 'a');
      if (data) writeSync(this.fd, data);
    } catch (err) {
      this.failure = writeFailure(this.file, err as NodeJS.ErrnoException);
      this.close();
      this.onFailure(this.failure);
    }
  }

  close(): void {
    this.closed = true;
    if (this.fd !== undefined) close(this.fd, () => undefined);
    this.fd = undefined;
  }
}

const NL = Buffer.from('\n');

/** Lines as a log file holds them: each prefixed with the time it is written and a space. */
export function logLines(lines: Buffer[]): Buffer {
  const prefix = Buffer.from(`${nowNano()} `);
  const parts: Buffer[] = [];
  for (const line of lines) parts.push(prefix, line, NL);
  return Buffer.concat(parts);
}

export class LineSink {
  private pending: Buffer | undefined;

  constructor(private readonly log: LineLog) {}

  write(chunk: Buffer): void {
    const data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(NEWLINE); nl >= 0; nl = data.indexOf(NEWLINE, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    let rest = data.subarray(start);
    while (rest.length > MAX_LINE) {
      lines.push(rest.subarray(0, MAX_LINE));
      rest = rest.subarray(MAX_LINE);
    }
    this.pending = rest.length > 0 ? Buffer.from(rest) : undefined;
    this.log.write(lines);
  }

  end(): void {
    if (this.pending) this.log.write([this.pending]);
    this.pending = undefined;
  }
}
