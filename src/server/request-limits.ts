// What one request may cost the server: body size (upstream's gRPC message limit), JSON nesting
// (deep enough to overflow the stack of whatever walks the object next), and how many heavy
// calls (lists, which serialize whole workflows) run at once, so concurrent lists of large
// workflows cannot multiply into gigabytes.
import { MANIFEST_LIMITS } from '../workflow/manifest/limits.js';
import { ApiError, Code } from './errors.js';

/** Upstream's default for GRPC_MESSAGE_SIZE: the largest message its gRPC server takes, 100 MiB. */
const DEFAULT_MESSAGE_SIZE = 100 * 1024 * 1024;

/** The body limit: GRPC_MESSAGE_SIZE (bytes) as upstream reads it, else its default. */
export function bodyLimit(env: NodeJS.ProcessEnv = process.env): number {
  return positiveInteger(env.GRPC_MESSAGE_SIZE, 'GRPC_MESSAGE_SIZE') ?? DEFAULT_MESSAGE_SIZE;
}

/** Lists served at once by default; more wait for none and get ResourceExhausted. */
const DEFAULT_CONCURRENT_LISTS = 8;

/** ARGO_SERVER_MAX_CONCURRENT_LISTS, else the default. */
export function concurrentListLimit(env: NodeJS.ProcessEnv = process.env): number {
  return (
    positiveInteger(env.ARGO_SERVER_MAX_CONCURRENT_LISTS, 'ARGO_SERVER_MAX_CONCURRENT_LISTS') ??
    DEFAULT_CONCURRENT_LISTS
  );
}

function positiveInteger(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name}: "${text}" is not a positive integer`);
  return n;
}

/** A body nests at most as deep as an Argo object may (the same bound manifests have). */
export const MAX_BODY_DEPTH = MANIFEST_LIMITS.maxDepth;

/**
 * Whether JSON text opens more than `max` arrays or objects inside each other. One pass over the
 * characters, skipping strings, before anything recursive sees the parsed value.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export function tooDeep(): ApiError {
  return new ApiError(Code.InvalidArgument, `request body nests deeper than ${MAX_BODY_DEPTH} levels`);
}

/** Resident memory over which heavy calls are refused by default, in MiB. */
const DEFAULT_MAX_RSS_MB = 1024;

/**
 * ARGO_SERVER_MAX_RSS_MB, else the default: while the server's resident memory is over it, heavy
 * calls get ResourceExhausted. A count alone cannot bound memory, since one page may hold a
 * 100 MiB workflow or a hundred; what the calls already admitted hold is what decides.
 */
export function maxRssBytes(env: NodeJS.ProcessEnv = process.env): number {
  return (
    (positiveInteger(env.ARGO_SERVER_MAX_RSS_MB, 'ARGO_SERVER_MAX_RSS_MB') ?? DEFAULT_MAX_RSS_MB) *
    1024 *
    1024
  );
}

/** A heavy call's hold on the server: `built` once its response is serialised, `release` once sent. */
export interface Slot {
  built: () => void;
  release: () => void;
}

/**
 * At most `limit` holders at once, and none admitted while the process's resident memory is over
 * `maxRss`; a caller over either is refused rather than queued. Admitted callers build their
 * responses one after another, and the memory is read when a caller's turn comes: callers that
 * arrive together would otherwise all pass the check before any of them had read a byte.
 */
export class ConcurrencyLimit {
  private active = 0;
  private turn: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    private readonly maxRss = Infinity,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
    /** How long a caller waits for its turn: a client that stops reading holds its turn. */
    private readonly maxWaitMs = 30_000,
  ) {}

  /** A slot once it is this caller's turn, or ResourceExhausted (HTTP 429). */
  async acquire(what: string): Promise<Slot> {
    if (this.active >= this.limit)
      throw new ApiError(
        Code.ResourceExhausted,
        `too many concurrent ${what} requests (limit ${this.limit}); retry later`,
      );
    this.active += 1;
    const release = once(() => (this.active -= 1));
    const previous = this.turn;
    let built!: () => void;
    this.turn = new Promise((resolve) => (built = once(resolve)));
    const waited = await Promise.race([
      previous.then(() => true),
      new Promise<false>((resolve) => setTimeout(resolve, this.maxWaitMs, false).unref()),
    ]);
    if (!waited) {
      // Later callers wait for this one's turn, which comes when the previous one ends.
      void previous.then(built);
      release();
      throw new ApiError(
        Code.ResourceExhausted,
        `the server is busy with large ${what} requests (waited ${this.maxWaitMs / 1000}s); retry later`,
      );
    }
    // A caller alone is always admitted: a server holding nothing else must still serve it.
    if (this.active > 1 && this.rss() > this.maxRss) {
      built();
      release();
      throw new ApiError(
        Code.ResourceExhausted,
        `the server is busy with large ${what} requests (memory over ${Math.round(this.maxRss / 1024 / 1024)} MiB); retry later`,
      );
    }
    return { built, release };
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
