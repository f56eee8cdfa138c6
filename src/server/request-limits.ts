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

/** At most `limit` holders at once; a caller over it is refused at once rather than queued. */
export class ConcurrencyLimit {
  private active = 0;

  constructor(readonly limit: number) {}

  /** A release function, or ResourceExhausted (HTTP 429) when all slots are taken. */
  acquire(what: string): () => void {
    if (this.active >= this.limit)
      throw new ApiError(
        Code.ResourceExhausted,
        `too many concurrent ${what} requests (limit ${this.limit}); retry later`,
      );
    this.active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active -= 1;
    };
  }
}
