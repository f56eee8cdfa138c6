// Starting the user's command as the container's real work: in its own process group (setsid), so
// signals reach everything it starts, with stdout and stderr passed through and, when the wait
// container needs them, also appended to the ctr/<name>/stdout and combined files.
import { spawn } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { errnoText } from './look-path.js';
import { signalExitCode } from './signals.js';

export interface CommandSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Files to copy the output into: stdout alone, and stdout+stderr interleaved. */
  tee?: { stdout: string; combined: string };
}

export interface CommandExit {
  /** The exit status, or 128 + the signal's number when a signal ended it. */
  code: number;
  signal?: NodeJS.Signals;
}

export interface RunningCommand {
  pid: number;
  exited: Promise<CommandExit>;
}

export class StartError extends Error {}

/**
 * How long output still in the pipes is copied after the command exits. A background process it
 * left behind may hold the pipes open forever; like upstream (exec.Cmd.WaitDelay) we stop then.
 */
const DRAIN_MS = 100;

export function startCommand(spec: CommandSpec): Promise<RunningCommand> {
  const files = spec.tee ? openTee(spec.tee) : undefined;
  const child = spawn(spec.file, spec.args, {
    env: spec.env,
    stdio: files ? ['inherit', 'pipe', 'pipe'] : 'inherit',
    detached: true,
  });
  if (files) {
    child.stdout?.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      writeAll(files.stdout, chunk);
      writeAll(files.combined, chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      writeAll(files.combined, chunk);
    });
  }
  const closeFiles = () => {
    if (!files) return;
    closeSync(files.stdout);
    closeSync(files.combined);
  };

  return new Promise<RunningCommand>((resolve, reject) => {
    child.once('error', (err) => {
      closeFiles();
      reject(new StartError(`fork/exec ${spec.file}: ${errnoText(err)}`));
    });
    child.once('spawn', () => {
      // Errors after a successful start would only come from kill(), which we do not use.
      child.removeAllListeners('error');
      child.on('error', () => {});
      const exited = new Promise<CommandExit>((done) => {
        child.once('exit', (code, signal) => {
          const result: CommandExit =
            signal !== null ? { code: signalExitCode(signal), signal } : { code: code ?? 0 };
          void drain([child.stdout, child.stderr]).then(() => {
            closeFiles();
            done(result);
          });
        });
      });
      resolve({ pid: child.pid!, exited });
    });
  });
}

function openTee(tee: { stdout: string; combined: string }): { stdout: number; combined: number } {
  const stdout = openSync(tee.stdout, 'a', 0o666);
  try {
    return { stdout, combined: openSync(tee.combined, 'a', 0o666) };
  } catch (err) {
    closeSync(stdout);
    throw err;
  }
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off);
}

async function drain(streams: (Readable | null)[]): Promise<void> {
  const open = streams.filter((s): s is Readable => s !== null && !s.destroyed);
  if (open.length === 0) return;
  await new Promise<void>((resolve) => {
    let left = open.length;
    const timer = setTimeout(finish, DRAIN_MS);
    function finish() {
      clearTimeout(timer);
      for (const s of open) s.destroy();
      resolve();
    }
    for (const s of open)
      s.once('close', () => {
        if (--left === 0) finish();
      });
  });
}
