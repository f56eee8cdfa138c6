// The local client over an in-memory store with the real controller and a fake kubelet: lifecycle
// calls go through LocalClient exactly as the CLI makes them, and the controller reacts.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { LocalClient } from '../../../src/client/local/client.js';
import { WorkflowController } from '../../../src/controller/controller.js';
import type { Pod } from '../../../src/model/pod.js';
import type { NodeStatus, Workflow } from '../../../src/model/workflow.js';
import { FakeKubelet, type Behaviour } from '../../helpers/fake-kubelet.js';
import { MemoryStore } from '../../helpers/memory-store.js';

export const NS = 'default';

export class Harness {
  readonly store = new MemoryStore();
  readonly home = mkdtempSync(path.join(os.tmpdir(), 'argo-lifecycle-'));
  readonly client = new LocalClient({ store: this.store, home: this.home, namespace: NS, engine: 'none' });
  private readonly controller = new WorkflowController({ store: this.store });
  kubelet: FakeKubelet;

  constructor(behaviour?: Behaviour) {
    this.kubelet = new FakeKubelet(this.store, behaviour);
  }

  async start(): Promise<void> {
    this.kubelet.start();
    await this.controller.start();
  }

  /**
   * A new kubelet with other behaviour, as if the node restarted. Pods left from before are
   * garbage-collected first, since a fresh kubelet would run every pod it finds.
   */
  async replaceKubelet(behaviour: Behaviour): Promise<FakeKubelet> {
    this.kubelet.stop();
    for (const pod of (await this.store.list<Pod>('Pod')).items)
      await this.store.delete('Pod', pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    this.kubelet = new FakeKubelet(this.store, behaviour);
    this.kubelet.start();
    return this.kubelet;
  }

  async submit(manifest: string): Promise<Workflow> {
    return this.client.createWorkflow(NS, parse(manifest) as Workflow);
  }

  /** Resolves with the workflow once `done` holds for it. */
  waitFor(name: string, done: (wf: Workflow) => boolean, timeoutMs = 10_000): Promise<Workflow> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(async () => {
        w.stop();
        const wf = await this.store.get<Workflow>('Workflow', NS, name);
        reject(new Error(`timed out waiting on ${name}: ${JSON.stringify(wf?.status, null, 1)}`));
      }, timeoutMs);
      const w = this.store.watch<Workflow>(
        'Workflow',
        { namespace: NS, fieldSelector: `metadata.name=${name}` },
        (ev) => {
          if (!done(ev.object)) return;
          clearTimeout(timer);
          // The first events may arrive before `watch` returns.
          queueMicrotask(() => w.stop());
          resolve(ev.object);
        },
      );
    });
  }

  finished(name: string, timeoutMs?: number): Promise<Workflow> {
    return this.waitFor(name, (wf) => Boolean(wf.status?.finishedAt), timeoutMs);
  }

  async stop(): Promise<void> {
    await this.controller.stop();
    this.kubelet.stop();
    // Let a reconciliation in flight finish. idle() alone can wait forever once stopped with
    // work still queued, hence the bound.
    await Promise.race([this.controller.idle(), new Promise((r) => setTimeout(r, 500))]);
    rmSync(this.home, { recursive: true, force: true });
  }
}

export function nodeNamed(wf: Workflow, displayName: string): NodeStatus {
  const n = Object.values(wf.status?.nodes ?? {}).find((x) => x.displayName === displayName);
  if (!n)
    throw new Error(
      `no node ${displayName} in ${Object.values(wf.status?.nodes ?? {})
        .map((x) => x.displayName)
        .join(', ')}`,
    );
  return n;
}

export const hasNode =
  (displayName: string, phase: string) =>
  (wf: Workflow): boolean =>
    Object.values(wf.status?.nodes ?? {}).some((n) => n.displayName === displayName && n.phase === phase);
