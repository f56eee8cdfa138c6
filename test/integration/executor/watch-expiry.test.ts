// The host runtime's pod watch on a store that drops and expires watches: a pod deleted while the
// runtime's watch was down is still stopped once the watch ends with 410 and the runtime re-lists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HostRuntime } from '../../../src/executor/index.js';
import type { Pod } from '../../../src/model/pod.js';
import { ExpiringStore } from '../../helpers/expiring-store.js';
import { MemoryStore } from '../../helpers/memory-store.js';
import { NS, podFor } from './harness.js';

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('host runtime with expiring watches', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('stops a pod deleted while its watch was down, after the watch expires', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'argo-host-'));
    const memory = new MemoryStore();
    const store = new ExpiringStore(memory);
    const errors: string[] = [];
    const runtime = new HostRuntime(store, {
      home,
      gracePeriodSeconds: 1,
      onError: (err) => errors.push((err as Error).message),
    });
    cleanup = async () => {
      await runtime.stop();
      await memory.close();
      rmSync(home, { recursive: true, force: true });
    };
    await runtime.start();
    await memory.create(
      'Pod',
      podFor('long', { name: 'long', container: { image: 'alpine', command: ['sleep', '300'] } }),
    );
    const deadline = Date.now() + 20_000;
    while ((await memory.get<Pod>('Pod', NS, 'long'))?.status?.phase !== 'Running') {
      if (Date.now() > deadline) throw new Error('the pod never ran');
      await new Promise((r) => setTimeout(r, 20));
    }
    store.disconnect('Pod');
    await memory.delete('Pod', NS, 'long');
    expect(store.fail('Pod')).toBe(1);
    await within(runtime.idle(), 15_000, 'the deleted pod to stop');
    expect(store.lists.get('Pod')).toBe(2);
    expect(errors.some((m) => m.includes('re-listing'))).toBe(true);
  });
});
