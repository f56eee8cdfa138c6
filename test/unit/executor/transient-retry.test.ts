// Which store errors are tried again, and how the tries stop: attempts, deadline, a stop.
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../../src/store/types.js';
import {
  isTransientStoreError,
  retryTransient,
  RetriesExhausted,
  type Backoff,
} from '../../../src/executor/transient-retry.js';

const quick = (over: Partial<Backoff> = {}): Backoff => ({
  firstDelayMs: 1,
  factor: 2,
  maxDelayMs: 5,
  jitter: 0,
  attempts: Infinity,
  deadlineMs: Infinity,
  ...over,
});
const busy = new StoreError('busy', 503, 'ServiceUnavailable');

describe('isTransientStoreError', () => {
  it.each([
    ['busy (503)', busy, true],
    ['throttled (429)', new StoreError('slow down', 429, 'TooManyRequests'), true],
    ['a conflicting write', new StoreError('modified', 409, 'Conflict'), true],
    ['no answer at all', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), true],
    ['a server timeout', new StoreError('timed out', 500, 'ServerTimeout'), true],
    ['a gateway timeout (504)', new StoreError('timed out', 504, 'Timeout'), true],
    [
      'a full disk under the store',
      new StoreError('writing argo.db: no space left on device', 500, 'InternalError'),
      false,
    ],
    ['already exists', new StoreError('exists', 409, 'AlreadyExists'), false],
    ['invalid', new StoreError('bad', 400, 'Invalid'), false],
    ['not found', new StoreError('gone', 404, 'NotFound'), false],
    ['forbidden', new StoreError('no', 403, 'Forbidden'), false],
  ])('%s: %s', (_what, err, transient) => {
    expect(isTransientStoreError(err)).toBe(transient);
  });
});

describe('retryTransient', () => {
  it('tries until the request goes through, telling each retry', async () => {
    let tries = 0;
    const retries: number[] = [];
    const got = await retryTransient(
      () => (++tries < 4 ? Promise.reject(busy) : Promise.resolve('done')),
      quick(),
      { onRetry: (_err, attempt) => retries.push(attempt) },
    );
    expect(got).toBe('done');
    expect(retries).toEqual([1, 2, 3]);
  });

  it('throws an error that cannot pass as it is, after one try', async () => {
    let tries = 0;
    const invalid = new StoreError('bad', 400, 'Invalid');
    await expect(retryTransient(() => (tries++, Promise.reject(invalid)), quick())).rejects.toBe(invalid);
    expect(tries).toBe(1);
  });

  it('gives up after its attempts, saying how many', async () => {
    let tries = 0;
    const err = await retryTransient(() => (tries++, Promise.reject(busy)), quick({ attempts: 3 })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RetriesExhausted);
    expect((err as RetriesExhausted).lastError).toBe(busy);
    expect((err as Error).message).toMatch(/^busy \(gave up after 3 tries in \d+\.\ds\)$/);
    expect(tries).toBe(3);
  });

  it('makes no try after its deadline, the last one landing on it', async () => {
    let tries = 0;
    const started = Date.now();
    const err = await retryTransient(
      () => (tries++, Promise.reject(busy)),
      quick({ firstDelayMs: 10_000, maxDelayMs: 10_000, deadlineMs: 50 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhausted);
    // The 10s pause was cut to the deadline: a second try at 50ms, then none.
    expect(tries).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops when the work it is for stops', async () => {
    let tries = 0;
    let stop = false;
    const err = await retryTransient(
      () => {
        tries++;
        stop = tries === 2;
        return Promise.reject(busy);
      },
      quick(),
      { stopped: () => stop },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetriesExhausted);
    expect(tries).toBe(2);
  });
});
