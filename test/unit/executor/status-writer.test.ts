// A pod's final status that the store refuses (a full disk: SQLITE_FULL) is written again once the
// store takes it, so its node ends instead of staying Running; the failure is told once.
import { describe, expect, it, vi } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import { StatusWriter } from '../../../src/executor/host/status-writer.js';
import type { ResourceStore } from '../../../src/store/types.js';

const POD: Pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [] },
};

function diskFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

/** A store whose first `refusals` patches fail as a full disk does. */
function fullThenFree(refusals: number): { store: ResourceStore; patched: unknown[]; tries: () => number } {
  let tries = 0;
  const patched: unknown[] = [];
  const store = {
    patch: (_kind: string, _ns: string, _name: string, patch: unknown) => {
      tries++;
      if (tries <= refusals) return Promise.reject(diskFull());
      patched.push(patch);
      return Promise.resolve(POD);
    },
  } as unknown as ResourceStore;
  return { store, patched, tries: () => tries };
}

function writer(store: ResourceStore, stopped: () => boolean, errors: string[]): StatusWriter {
  return new StatusWriter({
    store,
    pod: POD,
    owner: 'test',
    startTime: '2026-01-01T00:00:00Z',
    stopped,
    onGone: () => undefined,
    onError: (err, where) => errors.push(`${where}: ${(err as Error).message}`),
  });
}

describe('StatusWriter on a store that cannot be written', () => {
  it('writes the final status once the store takes it, telling the failure once', async () => {
    const { store, patched, tries } = fullThenFree(3);
    const errors: string[] = [];
    await writer(store, () => false, errors).final({ phase: 'Failed' });
    expect(tries()).toBe(4);
    expect(patched).toHaveLength(1);
    expect(patched[0]).toMatchObject({ status: { phase: 'Failed' } });
    expect(errors).toEqual(['pod ns/p: writing status (retrying): database or disk is full']);
  });

  it('stops retrying when the runtime stops', async () => {
    const { store, patched } = fullThenFree(Infinity);
    const errors: string[] = [];
    // The runtime stops once the failure has been told.
    await writer(store, () => errors.length > 0, errors).final({ phase: 'Failed' });
    expect(patched).toEqual([]);
    expect(errors).toHaveLength(1);
  });

  it('drops a refused progress report: the next one carries the news', async () => {
    const { store, tries } = fullThenFree(1);
    const errors: string[] = [];
    const w = writer(store, () => false, errors);
    w.progress({ phase: 'Running' }, () => [1]);
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    await w.final({ phase: 'Succeeded' });
    expect(tries()).toBe(2);
    expect(errors).toEqual(['pod ns/p: writing status: database or disk is full']);
  });
});
