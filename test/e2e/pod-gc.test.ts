// Pod GC (`spec.podGC`) on the local backend, through the CLI: which pods each strategy deletes
// and which it keeps, the delete delay (outlasting the CLI's own engine: the detached controller it
// hands over to deletes them when due), and what a user still sees of a collected pod.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerRunning } from '../../src/client/local/controller-process.js';
import type { Pod } from '../../src/model/pod.js';
import type { Workflow } from '../../src/model/workflow.js';
import { openStore } from '../../src/store/index.js';
import { until } from '../helpers/until.js';
import { cliWithHome, type Cli } from './cli.js';

let cli: Cli;
let manifests: string;
beforeAll(() => {
  cli = cliWithHome();
  manifests = mkdtempSync(path.join(os.tmpdir(), 'pod-gc-'));
});
afterAll(() => cli.dispose());

/** Two pods in parallel: `ok` (labelled gc=yes) succeeds, `bad` fails; the workflow succeeds unless `failWorkflow`. */
function workflow(podGC: string, opts: { failWorkflow?: boolean } = {}): string {
  return `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: pod-gc-}
spec:
  entrypoint: main
${podGC ? `  podGC: ${podGC}` : ''}
  templates:
  - name: main
    steps:
    - - {name: ok, template: ok}
      - {name: bad, template: bad${opts.failWorkflow ? '' : ', continueOn: {failed: true}'}}
  - name: ok
    metadata: {labels: {gc: 'yes'}}
    container: {image: busybox, command: [sh, -c, 'echo ok-out']}
  - name: bad
    container: {image: busybox, command: [sh, -c, 'echo bad-out; exit 1']}
`;
}

/** A controller a command starts (one the CLI hands pod GC over to) goes soon after it has nothing left to do (settled()). */
const env = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '1' };

async function submit(yaml: string): Promise<string> {
  const file = path.join(manifests, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = await cli.run(['submit', file, '--wait', '-o', 'name'], { timeoutMs: 60_000, env });
  const name = r.stdout.trim().split('\n')[0];
  expect(name, r.stderr).toMatch(/\S/);
  return name;
}

async function withStore<T>(fn: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const store = openStore({ path: path.join(cli.home, 'argo.db') });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** The step names (`ok`, `bad`) whose pods are in the store. */
async function podsOf(name: string): Promise<string[]> {
  const pods = await withStore((s) =>
    s.list<Pod>('Pod', { labelSelector: `workflows.argoproj.io/workflow=${name}` }),
  );
  return pods.items
    .map((p) => /\.(\w+)$/.exec(p.metadata.annotations?.['workflows.argoproj.io/node-name'] ?? '')?.[1] ?? '')
    .sort();
}

/** Waits until the step pods of `name` are exactly `expected`. */
async function podsBecome(name: string, expected: string[]): Promise<void> {
  await until(`pods of ${name} to be [${expected.join(', ')}]`, 20_000, async () => {
    const pods = await podsOf(name);
    return JSON.stringify(pods) === JSON.stringify(expected) ? true : undefined;
  });
}

/**
 * Waits until no controller runs for the home: the CLI's engine stops when its workflow is done
 * and hands over to a detached controller only while pods wait to be deleted, so from then on
 * nothing deletes pods any more and what is left is what the strategy keeps.
 */
async function settled(): Promise<void> {
  await until('no controller to run', 30_000, () =>
    withStore((s) => controllerRunning(s)).then((running) => (running ? undefined : true)),
  );
}

async function statusOf(name: string): Promise<Workflow['status']> {
  const r = await cli.run(['get', name, '-o', 'json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Workflow).status;
}

describe('pod GC on the local backend', { timeout: 90_000 }, () => {
  it('OnPodCompletion deletes every finished pod; the workflow and `argo get` are as without GC', async () => {
    const name = await submit(workflow('{strategy: OnPodCompletion, deleteDelayDuration: 0s}'));
    await podsBecome(name, []);
    const status = await statusOf(name);
    expect(status?.phase).toBe('Succeeded');
    const steps = Object.values(status?.nodes ?? {})
      .filter((n) => n.type === 'Pod')
      .map((n) => `${n.displayName}:${n.phase}`)
      .sort();
    expect(steps).toEqual(['bad:Failed', 'ok:Succeeded']);
    // The logs of a collected pod stay on this machine until the workflow is deleted.
    const logs = await cli.run(['logs', name], { env });
    expect(logs.stdout).toContain('ok-out');
    expect(logs.stdout).toContain('bad-out');
  });

  it('OnPodSuccess deletes the pod that succeeded and keeps the one that failed', async () => {
    const name = await submit(workflow('{strategy: OnPodSuccess, deleteDelayDuration: 0s}'));
    await podsBecome(name, ['bad']);
    await settled();
    expect(await podsOf(name)).toEqual(['bad']);
  });

  it('OnWorkflowCompletion deletes every pod once the workflow has failed', async () => {
    const name = await submit(
      workflow('{strategy: OnWorkflowCompletion, deleteDelayDuration: 0s}', { failWorkflow: true }),
    );
    await podsBecome(name, []);
    expect((await statusOf(name))?.phase).toBe('Failed');
  });

  it('OnWorkflowSuccess deletes the pods of a workflow that succeeded', async () => {
    const name = await submit(workflow('{strategy: OnWorkflowSuccess, deleteDelayDuration: 0s}'));
    await podsBecome(name, []);
    expect((await statusOf(name))?.phase).toBe('Succeeded');
  });

  it('OnWorkflowSuccess keeps the pods of a workflow that failed, as no podGC does', async () => {
    const failed = await submit(
      workflow('{strategy: OnWorkflowSuccess, deleteDelayDuration: 0s}', { failWorkflow: true }),
    );
    const none = await submit(workflow(''));
    await settled();
    expect(await podsOf(failed)).toEqual(['bad', 'ok']);
    expect(await podsOf(none)).toEqual(['bad', 'ok']);
  });

  it('a labelSelector limits the strategy to the pods it selects', async () => {
    const name = await submit(
      workflow(
        '{strategy: OnPodCompletion, deleteDelayDuration: 0s, labelSelector: {matchLabels: {gc: "yes"}}}',
      ),
    );
    await podsBecome(name, ['bad']);
    await settled();
    expect(await podsOf(name)).toEqual(['bad']);
  });

  it('waits out deleteDelayDuration, after the CLI that ran the workflow has gone', async () => {
    const name = await submit(workflow('{strategy: OnWorkflowCompletion, deleteDelayDuration: 4s}'));
    const before = await statusOf(name);
    const finishedAt = Date.parse(before?.finishedAt ?? '');
    const pods = await podsOf(name);
    // Still there while the delay runs (a slow machine may already be past it).
    if (Date.now() < finishedAt + 3000) expect(pods).toEqual(['bad', 'ok']);
    await podsBecome(name, []);
    expect(Date.now()).toBeGreaterThanOrEqual(finishedAt + 4000);
    expect(await statusOf(name)).toEqual(before);
    // The CLI's engine stopped with the workflow; the controller it handed over to deleted them.
    expect(readFileSync(path.join(cli.home, 'controller.log'), 'utf8')).toContain(
      `pod GC deleted pod default/${name}-ok-`,
    );
  });
});
