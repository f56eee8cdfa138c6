// The whole engine for artifact tests: a memory store, the host runtime on a fresh argo home and
// the workflow controller, with a helper that submits a workflow and waits for its end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { WorkflowController } from '../../../src/controller/controller.js';
import { HostRuntime } from '../../../src/executor/index.js';
import type { KubeObject } from '../../../src/model/meta.js';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import type { ResourceKind } from '../../../src/store/types.js';
import { MemoryStore } from '../../helpers/memory-store.js';

export const NS = 'argo';

export interface Engine {
  store: MemoryStore;
  home: string;
  /** Submits a workflow and resolves with it once `done` holds (default: it has finished). */
  run(manifest: string, opts?: { timeoutMs?: number; done?: (wf: Workflow) => boolean }): Promise<Workflow>;
  close(): Promise<void>;
}

export async function startEngine(objects: { kind: ResourceKind; obj: KubeObject }[] = []): Promise<Engine> {
  const home = mkdtempSync(path.join(tmpdir(), 'argo-artifacts-'));
  const store = new MemoryStore();
  for (const o of objects)
    await store.create(o.kind, { ...o.obj, metadata: { namespace: NS, ...o.obj.metadata } });
  const runtime = new HostRuntime(store, { home, gracePeriodSeconds: 1, onError: () => undefined });
  await runtime.start();
  const controller = new WorkflowController({ store, home, controllerNamespace: NS });
  await controller.start();
  return {
    store,
    home,
    async run(manifest, opts = {}) {
      const wf = parse(manifest) as Workflow;
      wf.metadata.namespace = NS;
      const created = await store.create<Workflow>('Workflow', wf);
      const done = opts.done ?? ((w: Workflow) => Boolean(w.status?.finishedAt));
      return new Promise<Workflow>((resolve, reject) => {
        let last: Workflow | undefined;
        const timer = setTimeout(() => {
          w.stop();
          reject(
            new Error(
              `workflow did not finish in time: ${JSON.stringify(last?.status ?? {}).slice(0, 2000)}`,
            ),
          );
        }, opts.timeoutMs ?? 20_000);
        const w = store.watch<Workflow>(
          'Workflow',
          { namespace: NS, fieldSelector: `metadata.name=${created.metadata.name}` },
          (ev) => {
            last = ev.object;
            if (done(ev.object)) {
              clearTimeout(timer);
              w.stop();
              resolve(ev.object);
            }
          },
        );
      });
    },
    async close() {
      await controller.stop();
      await runtime.stop();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** The node whose display name is `name`. */
export function node(wf: Workflow, name: string): NodeStatus {
  const found = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === name);
  if (!found)
    throw new Error(
      `no node ${name} in ${Object.values(wf.status?.nodes ?? {})
        .map((n) => n.displayName)
        .join(', ')}`,
    );
  return found;
}

export function param(n: NodeStatus, name: string): string | undefined {
  return n.outputs?.parameters?.find((p) => p.name === name)?.value;
}
