// The workflow controller on a store whose watches end with 410 Expired (and lose events while
// disconnected) again and again mid-run, as a real API server's do: its informers re-list, so
// the workflow still finishes, every step run once.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { ExpiringStore } from '../../helpers/expiring-store.js';
import { FakeKubelet } from '../../helpers/fake-kubelet.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const WORKFLOW = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: expiring, namespace: default}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - {name: one, template: echo}
    - - {name: two, template: echo}
      - {name: three, template: echo}
    - - {name: four, template: echo}
  - name: echo
    container: {image: alpine, command: [echo, hi]}
`;

/** Polls until `check` returns a value, failing after `ms`. */
async function waitFor<T>(check: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('workflow controller with expiring watches', () => {
  it('finishes a workflow although its watches answer 410 mid-run and miss events', async () => {
    const memory = new MemoryStore();
    const store = new ExpiringStore(memory);
    const kubelet = new FakeKubelet(memory, () => ({ runMs: 5 }));
    kubelet.start();
    // Every pod change cuts the controller's watches first (so the change itself is lost to them),
    // then ends them with 410 Expired a moment later.
    let expired = 0;
    const chaos = memory.watch<Pod>('Pod', {}, () => {
      store.disconnect();
      setImmediate(() => (expired += store.fail()));
    });
    const controller = new WorkflowController({ store });
    try {
      await controller.start();
      await memory.create('Workflow', parse(WORKFLOW) as Workflow);
      const wf = await waitFor(
        async () => {
          const w = await memory.get<Workflow>('Workflow', 'default', 'expiring');
          return w?.status?.finishedAt ? w : undefined;
        },
        20_000,
        'the workflow to finish',
      );
      expect(wf.status?.phase).toBe('Succeeded');
      expect(kubelet.started).toHaveLength(4);
      expect(expired).toBeGreaterThan(4);
      // The informers listed again after expiries (repeated ones within a backoff find no watch open).
      expect(store.lists.get('Pod')).toBeGreaterThan(2);
      expect(store.lists.get('Workflow')).toBeGreaterThan(2);
    } finally {
      chaos.stop();
      await controller.stop();
      kubelet.stop();
    }
  });
});
