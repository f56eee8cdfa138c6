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
   * Opens (creating) the log file for appending. Synchronously: it is one quick call on the way to
   * a container's start, where a round trip through the thread pool costs more than the call.
   */
  static open(file: string): LineLog {
    // A plain descriptor (not a FileHandle, which would close it again when collected). Writes
    // stay synchronous on it, so lines are in the file in the order they came.
    return new LineLog(file, openSync(file, 'a'));
  }

  /** Why writing stopped ("writing PATH: CAUSE"), once a write failed. */
  failure: string | undefined;
  /** Called once, when a write fails. */
  onFailure: (message: string) => void = () => undefined;

  private constructor(
    private readonly file: string,
    private fd: number | undefined,
  ) {}

  /** A sink for one output stream: feed it chunks, then end() it to flush a partial last line. */
  stream(): LineSink {
    return new LineSink(this);
  }

  write(lines: Buffer[]): void {
    if (this.fd === undefined || lines.length === 0) return;
    const prefix = Buffer.from(`${nowNano()} `);
    const parts: Buffer[] = [];
    for (const line of lines) parts.push(prefix, line, NL);
    try {
      writeSync(this.fd, Buffer.concat(parts));
    } catch (err) {
      this.failure = writeFailure(this.file, err as NodeJS.ErrnoException);
      this.close();
      this.onFailure(this.failure);
    }
  }

  close(): void {
    if (this.fd !== undefined) close(this.fd, () => undefined);
    this.fd = undefined;
  }
}

const NL = Buffer.from('\n');

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
