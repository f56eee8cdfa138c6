// The CLI closes the store as soon as the embedded engine's stop resolves. A command that ends
// quickly (`argo wait` or `logs --follow` of a workflow already done) stops an engine whose start
// is still under way: the stop must wait for it, and the start must build nothing more, or the
// start's remaining steps run on the closed store ("the store … is closed").
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/client/local/engine.js';
import { LocalHost } from '../../../src/client/local/host.js';
import { openSqliteStore } from '../../../src/store/sqlite/sqlite-store.js';
import type { ResourceStore } from '../../../src/store/types.js';

/**
 * The store with the engine's first list of workflows held back until `open` (or the close), and
 * every call that reaches it after the close recorded.
 */
function gatedStore(inner: ResourceStore) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let reached!: () => void;
  const held = new Promise<void>((resolve) => (reached = resolve));
  let gated = false;
  let closed = false;
  const afterClose: string[] = [];
  const store: ResourceStore = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (closed) afterClose.push(`${String(prop)} ${String(args[0])}`);
        if (prop === 'close') {
          closed = true;
          open();
        }
        if (prop === 'list' && args[0] === 'Workflow' && !gated) {
          gated = true;
          reached();
          return gate.then(() => {
            if (closed) afterClose.push(`${String(prop)} ${String(args[0])} (held from before the close)`);
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          });
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, held, open, afterClose };
}

describe('the embedded engine stopped while it starts', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('stop waits for the start under way; nothing touches the store after it is closed', async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'argo-engine-stop-'));
    const inner = openSqliteStore({ path: path.join(home, 'argo.db'), pollIntervalMs: 50 });
    const { store, held, open, afterClose } = gatedStore(inner);
    const logged: string[] = [];
    const engine = new Engine(
      store,
      home,
      (msg) => {
        logged.push(msg);
        // The stop says it waits for the start: only then does the held call go on. A stop that
        // does not wait closes the store first, and the held call then reaches a closed store.
        if (msg.includes('waiting for the start under way')) open();
      },
      true,
    );
    void engine.start();
    // The engine leads and its controller is listing workflows: the start is half done.
    await held;
    expect(engine.isLeader).toBe(true);
    // What the CLI does when its command ends: stop the engine, then close the store.
    await engine.stop();
    await store.close();
    // The held call (opened by the close at the latest) has had its microtask to record itself.
    await Promise.resolve();
    expect(afterClose).toEqual([]);
    expect(logged.filter((m) => m.includes('closed'))).toEqual([]);
    expect(engine.isLeader).toBe(false);
    expect(engine.activeWorkflowCount()).toBe(0);
  });
});

describe('the local host closed while its engine loads', () => {
  let home: string | undefined;
  afterEach(() => {
    if (home) rmSync(home, { recursive: true, force: true });
  });

  it('starts no engine once closed (a signal ends the command while the engine module loads)', async () => {
    home = mkdtempSync(path.join(os.tmpdir(), 'argo-host-close-'));
    const inner = openSqliteStore({ path: path.join(home, 'argo.db'), pollIntervalMs: 50 });
    const { store, afterClose } = gatedStore(inner);
    const host = new LocalHost({ store, home, engine: 'in-process' });
    const ensured = host.ensureController();
    await host.close();
    await store.close();
    await ensured;
    // An engine started now would contend for the lease on its first timer, which runs before this one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(afterClose).toEqual([]);
  });
});
