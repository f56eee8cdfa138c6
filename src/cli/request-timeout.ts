// --request-timeout on the local backend: each call that answers once (get, list, create, ...)
// fails after the timeout, as a request to a server would. Streams (watch, logs) are not bounded,
// as kubectl does not bound watches either. The http backend applies the timeout itself.
import type { ArgoClient } from '../client/types.js';
import { ArgoError } from '../client/types.js';
import { parseGoDuration } from '../workflow/duration.js';

/** kubectl's forms: `0` (none), whole seconds, or a Go duration such as 1s, 2m, 3h. */
export function requestTimeoutMs(text: string | undefined): number {
  if (!text || text === '0') return 0;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  try {
    return parseGoDuration(text);
  } catch {
    throw new ArgoError(
      `invalid argument "${text}" for "--request-timeout" flag: use a duration such as 1s, 2m or 3h`,
      400,
    );
  }
}

/** The client with every one-shot call bounded by `ms`. */
export function withRequestTimeout(client: ArgoClient, ms: number): ArgoClient {
  if (ms <= 0) return client;
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'close') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new ArgoError(
                  `the request did not complete within the --request-timeout of ${ms / 1000}s`,
                  504,
                ),
              ),
            ms,
          );
        });
        return Promise.race([result, deadline]).finally(() => clearTimeout(timer));
      };
    },
  });
}
