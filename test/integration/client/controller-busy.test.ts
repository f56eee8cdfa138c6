// A detached controller's idle exit: what counts as work for it, over a real store. Not leading,
// it is idle only behind another live leader, or with nothing left to do; a lease left naming it
// (a store that could not be written kept it from renewing) with work left keeps it up.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controllerBusy } from '../../../src/client/local/controller-busy.js';
import { CONTROLLER_LEASE, localHolderIdentity } from '../../../src/client/local/controller-lease.js';
import { acquireLease, openSqliteStore, type SqliteStore } from '../../../src/store/index.js';

let home: string;
let store: SqliteStore;
let other: ChildProcess | undefined;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'argo-controller-busy-'));
  store = openSqliteStore({ path: path.join(home, 'argo.db') });
});

afterEach(async () => {
  other?.kill('SIGKILL');
  other = undefined;
  await store.close();
  rmSync(home, { recursive: true, force: true });
});

const waiting = { isLeader: false, activeWorkflowCount: () => 0, scheduledCronCount: () => 0 };

const hold = (holder: string): Promise<boolean> =>
  acquireLease(store, { name: CONTROLLER_LEASE, holder, durationSeconds: 60 });

async function submitOne(): Promise<void> {
  await store.create('Workflow', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'open', namespace: 'default' },
    spec: { entrypoint: 'main', templates: [] },
  });
}

describe('a controller that does not lead', () => {
  it('is idle behind another live leader, with work left', async () => {
    other = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => other!.once('spawn', r));
    expect(await hold(`${os.hostname()}-${other.pid}-abcdef`)).toBe(true);
    await submitOne();
    expect(await controllerBusy(waiting, store, home)).toBe(false);
  });

  it('is busy when the lease still names itself and work is left: no one else will do it', async () => {
    expect(await hold(localHolderIdentity())).toBe(true);
    await submitOne();
    expect(await controllerBusy(waiting, store, home)).toBe(true);
  });

  it('is idle when no one leads and nothing is left', async () => {
    expect(await controllerBusy(waiting, store, home)).toBe(false);
  });
});

describe('a controller that leads', () => {
  it('is busy while it runs workflows or cron workflows, idle after', async () => {
    const leading = { ...waiting, isLeader: true };
    expect(await controllerBusy({ ...leading, activeWorkflowCount: () => 1 }, store, home)).toBe(true);
    expect(await controllerBusy({ ...leading, scheduledCronCount: () => 1 }, store, home)).toBe(true);
    expect(await controllerBusy(leading, store, home)).toBe(false);
  });
});
