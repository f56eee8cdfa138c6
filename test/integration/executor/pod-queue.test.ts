// The host runtime's pod watch goes through the work queue: events for one pod are handled from
// the newest state the informer holds, and a deleted pod's last state is kept until its key is
// handled. So a pod deleted and created again under the same name at once (whether the runtime
// handles the deletion first or finds both in one turn) has the old pod's processes stopped and
// the new pod run, once, though its status changes many times (its own status writes).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NS, podFor, runPod, startHarness, waitForPod, type Harness } from './harness.js';

describe('host runtime pod watch on the work queue', () => {
  let h: Harness | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await h?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a pod deleted and made again under its name at once: the old one stops, the new one runs once', async () => {
    h = await startHarness({ gracePeriodSeconds: 1 });
    dir = mkdtempSync(path.join(tmpdir(), 'argo-pod-queue-'));
    // Containers get a /tmp of their own: the marks go through a host folder mounted at /shared.
    const pod = (word: string, then: string) =>
      podFor(
        'same',
        {
          name: 'same',
          container: {
            image: 'alpine',
            command: ['sh', '-c', `echo ${word} >> /shared/marks; ${then}`],
            volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
          },
        },
        { volumes: [{ name: 'shared', hostPath: { path: dir!, type: 'Directory' } }] },
      );
    await h.store.create('Pod', pod('old', 'sleep 300'));
    await waitForPod(h, 'same', (p) => p.status?.phase === 'Running');
    // Deleted and created again in one go.
    await h.store.delete('Pod', NS, 'same');
    const again = await runPod(h, pod('new', 'true'));
    expect(again.status?.phase).toBe('Succeeded');
    // The old pod's sleep is gone too: the runtime has nothing left running.
    await h.runtime.idle();
    expect(readFileSync(path.join(dir, 'marks'), 'utf8').split('\n').filter(Boolean)).toEqual(['old', 'new']);
  });
});
