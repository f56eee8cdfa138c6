// What a runtime records on disk about a pod it runs, so a runtime that starts after it died knows
// the pod was taken on and which containers started (the store may not say so yet: progress is
// reported only once a pod has run a while). Under <home>/host/runs/<namespace>/<pod>/:
//   run.json          the pod's uid and the runtime that runs it, written before any container starts
//   <name>-<try>/     one folder per container start, made just before it, then its shim's state
// The start folders sit beside run.json (no folder of their own): on a busy host every mkdir and
// rmdir per pod is on some step's way, and a container's name (a DNS label, no dots) cannot
// collide with run.json's.
// A runtime removes the record when it is done with the pod; one left behind belongs to a runtime
// that died (or let its pods go on purpose, owner released), and its pod is adopted or, when the
// pod is gone, whatever still runs of it is killed.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { journalsDir } from '../paths.js';
import { liveShimPid } from './shim.js';
import { killGroups } from './owner.js';
import { freshFolder } from './pod-folders.js';

/** The record's file; its partial copies (see write()) start with this name too. */
const RECORD = 'run.json';

interface Record {
  uid: string;
  /** The runtime running the pod; '' once released to whichever runtime comes next. */
  owner: string;
}

export class RunJournal {
  readonly dir: string;

  constructor(
    home: string,
    readonly namespace: string,
    readonly pod: string,
  ) {
    this.dir = path.join(journalsDir(home), namespace, pod);
  }

  /** Every pod a journal is kept for. */
  static all(home: string): RunJournal[] {
    const found: RunJournal[] = [];
    for (const ns of list(journalsDir(home)))
      for (const pod of list(path.join(journalsDir(home), ns))) found.push(new RunJournal(home, ns, pod));
    return found;
  }

  /** The record, or undefined when there is none (or it is unreadable: nothing started after it). */
  read(): Record | undefined {
    try {
      const rec = JSON.parse(readFileSync(path.join(this.dir, RECORD), 'utf8')) as Record;
      return typeof rec.uid === 'string' && typeof rec.owner === 'string' ? rec : undefined;
    } catch {
      return undefined;
    }
  }

  /** A new run of the pod: what an earlier pod of this name left goes first (see sweep in runtime). */
  begin(uid: string, owner: string): void {
    freshFolder(this.dir);
    // Written in place: no container starts before it is whole, and a record cut short by a crash
    // reads as none, which is what it is (see read()).
    writeFileSync(path.join(this.dir, RECORD), JSON.stringify({ uid, owner }));
  }

  /**
   * The record names `owner` (a runtime adopting the pod, or '' when one lets it go). A pod whose
   * record is gone (it ended and its runtime removed it, or it never began) has nothing to hand on.
   */
  claim(uid: string, owner: string): void {
    try {
      this.write({ uid, owner });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  /** The state folder of a container's start `attempt` (1 for the first). */
  containerDir(container: string, attempt: number): string {
    return path.join(this.dir, `${container}-${attempt}`);
  }

  /** Makes the state folder of a start about to be made: from here on it may have started. */
  markStart(container: string, attempt: number): string {
    const dir = this.containerDir(container, attempt);
    mkdirSync(dir);
    return dir;
  }

  /** The latest start of a container recorded here (0: none). */
  lastAttempt(container: string): number {
    let last = 0;
    for (const entry of this.starts()) {
      const dash = entry.lastIndexOf('-');
      if (entry.slice(0, dash) === container) last = Math.max(last, Number(entry.slice(dash + 1)) || 0);
    }
    return last;
  }

  /** Kills whatever still runs of the pod's containers (SIGKILL to their groups), then waits. */
  async killAll(): Promise<void> {
    const pids: number[] = [];
    for (const entry of this.starts()) {
      const pid = await liveShimPid(path.join(this.dir, entry));
      if (pid) pids.push(pid);
    }
    await killGroups(pids);
  }

  /** Removes the record: by its known layout, in few calls; anything unexpected the thorough way. */
  async remove(): Promise<void> {
    try {
      for (const start of (await readdir(this.dir)).filter(isStart)) {
        const dir = path.join(this.dir, start);
        for (const file of await readdir(dir)) await unlink(path.join(dir, file));
        await rmdir(dir);
      }
      await unlink(path.join(this.dir, RECORD));
      await rmdir(this.dir);
    } catch {
      // A shim that is just ending may still be writing its files here: retried on ENOTEMPTY.
      await rm(this.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
    }
  }

  /** The start folders' names (`<container>-<attempt>`). */
  private starts(): string[] {
    return list(this.dir).filter(isStart);
  }

  private write(rec: Record): void {
    const file = path.join(this.dir, RECORD);
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(rec));
    renameSync(partial, file);
  }
}

/** Every entry of a journal but the record and its partial copies is a start folder. */
function isStart(entry: string): boolean {
  return !entry.startsWith(RECORD);
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
