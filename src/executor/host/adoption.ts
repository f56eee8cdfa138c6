// Which pods a starting runtime adopts, and what it kills first. A pod whose journal (run-journal.ts)
// names a runtime that is gone (or none: it was let go) was started by that runtime: its
// containers run under their shims, and the new runtime carries on from where they are, as a
// restarted kubelet finds its pods' containers still running. A journal whose pod is gone (deleted
// while no runtime ran) or finished is the leftover of a runtime that died: what still runs of it
// is killed, so nothing of a deleted or stopped workflow stays running.
import { rm } from 'node:fs/promises';
import type { Pod } from '../../model/pod.js';
import type { ResourceStore } from '../../store/types.js';
import { podDir } from '../paths.js';
import type { HostContext } from './host-pod-run.js';
import { ownerState } from './owner.js';
import { RunJournal } from './run-journal.js';

export type Adoption =
  /** Started by a runtime that is gone: this runtime takes it over as it is. */
  | 'adopt'
  /** Run by a live runtime (this one or another): left alone. */
  | 'owned'
  /** Not journalled as started: the usual rules apply. */
  | 'none';

/** What to do with a pod this runtime has not taken on. */
export function adoptionOf(ctx: Pick<HostContext, 'home' | 'owner'>, pod: Pod): Adoption {
  const phase = pod.status?.phase;
  if (phase && phase !== 'Pending' && phase !== 'Running') return 'none';
  const rec = new RunJournal(ctx.home, pod.metadata.namespace ?? '', pod.metadata.name ?? '').read();
  if (!rec || rec.uid !== pod.metadata.uid) return 'none';
  if (rec.owner === ctx.owner || (rec.owner !== '' && ownerState(rec.owner).alive)) return 'owned';
  return 'adopt';
}

/**
 * Before a runtime starts watching: kills and forgets the runs of pods that are gone or finished
 * (unless a live runtime is still at them). Resolves true when some pod is left to adopt.
 */
export async function sweepJournals(
  store: ResourceStore,
  home: string,
  onError: (err: unknown, where: string) => void,
): Promise<boolean> {
  let adoptable = false;
  for (const journal of RunJournal.all(home)) {
    const where = `pod ${journal.namespace}/${journal.pod}`;
    try {
      const rec = journal.read();
      const ownerAlive = rec !== undefined && rec.owner !== '' && ownerState(rec.owner).alive;
      const pod = await store.get<Pod>('Pod', journal.namespace, journal.pod);
      const phase = pod?.status?.phase;
      const same = pod !== undefined && rec !== undefined && pod.metadata.uid === rec.uid;
      if (same && (!phase || phase === 'Pending' || phase === 'Running')) {
        if (!ownerAlive) adoptable = true;
        continue;
      }
      if (ownerAlive) continue;
      await journal.killAll();
      await journal.remove();
      // Its working folder goes with it, as a deleted pod's does (its log stays, for argo logs).
      if (!pod) await rm(podDir(home, journal.namespace, journal.pod), { recursive: true, force: true });
    } catch (err) {
      onError(err, `${where}: cleaning up after a runtime that died`);
    }
  }
  return adoptable;
}
