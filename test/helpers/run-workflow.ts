// Runs one workflow through the real controller against an in-memory store and a fake kubelet,
// resolving with the workflow once it has finished (or rejecting after a timeout).
import { parse } from 'yaml';
import { WorkflowController } from '../../src/controller/controller.js';
import type { KubeObject } from '../../src/model/meta.js';
import type { NodeStatus, Workflow } from '../../src/model/workflow.js';
import type { ResourceKind } from '../../src/store/types.js';
import { FakeKubelet, type Behaviour } from './fake-kubelet.js';
import { MemoryStore } from './memory-store.js';

export interface RunResult {
  wf: Workflow;
  kubelet: FakeKubelet;
  store: MemoryStore;
}

export async function runWorkflow(
  manifest: string | Workflow,
  opts: {
    behaviour?: Behaviour;
    timeoutMs?: number;
    /** Other objects to store first (templates, config maps). */
    objects?: { kind: ResourceKind; obj: KubeObject }[];
    /** Stop waiting once this holds (e.g. a node reached some phase). */
    until?: (wf: Workflow) => boolean;
  } = {},
): Promise<RunResult> {
  const store = new MemoryStore();
  for (const o of opts.objects ?? []) await store.create(o.kind, o.obj);
  const kubelet = new FakeKubelet(store, opts.behaviour);
  kubelet.start();
  const controller = new WorkflowController({ store });
  await controller.start();
  const wf = typeof manifest === 'string' ? (parse(manifest) as Workflow) : manifest;
  wf.metadata.namespace ??= 'default';
  const created = await store.create<Workflow>('Workflow', wf);
  const done = opts.until ?? ((w: Workflow) => Boolean(w.status?.finishedAt));
  try {
    const final = await new Promise<Workflow>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`workflow did not finish in time`)),
        opts.timeoutMs ?? 10_000,
      );
      const w = store.watch<Workflow>(
        'Workflow',
        { namespace: 'default', fieldSelector: `metadata.name=${created.metadata.name}` },
        (ev) => {
          if (done(ev.object)) {
            clearTimeout(timer);
            w.stop();
            resolve(ev.object);
          }
        },
      );
    });
    return { wf: final, kubelet, store };
  } finally {
    await controller.stop();
    kubelet.stop();
  }
}

/** The node called `name`; a missing node fails the test with the names there are. */
export function nodeByName(wf: Workflow, name: string): NodeStatus {
  const nodes = Object.values(wf.status?.nodes ?? {});
  const n = nodes.find((x) => x.name === name);
  if (!n) throw new Error(`no node ${name}; have ${nodes.map((x) => x.name).join(', ')}`);
  return n;
}
