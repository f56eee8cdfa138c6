// Nothing stays Running without an engine: every command of the local backend looks (through
// this module, loaded lazily) for unfinished work with no live controller for its home, and
// starts one, so the work a crashed controller left resumes on the next command. A lease whose
// holder is a process of this machine that no longer exists is released on its behalf first:
// waiting out its expiry would only delay the takeover.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { journalsDir } from '../../executor/paths.js';
import type { ResourceStore } from '../../store/types.js';
import { canPageWorkflows } from '../../store/workflow-page.js';
import { LABEL_COMPLETED } from '../../workflow/lifecycle/suspend.js';
import { controllerRunning, spawnDetachedController } from './controller-process.js';
import type { EngineMode } from './host.js';

/**
 * Makes sure unfinished work has an engine: starts the detached controller when none lives and
 * something is left to do. A command that runs the engine itself while it waits ('in-process')
 * starts it on its own, so only the dead holder's lease is let go of for it.
 */
export async function healEngine(store: ResourceStore, home: string, mode: EngineMode): Promise<void> {
  if (await controllerRunning(store)) return;
  if (mode === 'in-process') return;
  if (!(await unfinishedWork(store, home))) return;
  spawnDetachedController(home);
}

/** Workflows not completed, or containers the host runtime left that no runtime watches. */
export async function unfinishedWork(store: ResourceStore, home: string): Promise<boolean> {
  if (hasRunJournals(journalsDir(home))) return true;
  const labelSelector = `${LABEL_COMPLETED}!=true`;
  // Through the store's workflow pager where it has one: it filters on the labels alone, where a
  // list reads each workflow's whole object (a large finished one cost every command its size).
  const open = canPageWorkflows(store)
    ? await store.pageWorkflows({
        namespace: '',
        namespaceNotEquals: false,
        name: '',
        nameFilter: '',
        labelSelector,
        offset: 0,
        limit: 1,
        countRemaining: false,
      })
    : await store.list('Workflow', { labelSelector, limit: 1 });
  return open.items.length > 0;
}

/**
 * Whether a pod's run journal is left (runs/<namespace>/<pod>). A namespace folder whose last
 * journal was removed may stay behind empty: that is no work, and taking it for some would start
 * a detached controller on every later command, reads included.
 */
function hasRunJournals(dir: string): boolean {
  return entries(dir).some((namespace) => entries(path.join(dir, namespace)).length > 0);
}

function entries(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
