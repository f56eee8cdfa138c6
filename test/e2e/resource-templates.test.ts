// Resource templates on the local engine, as a process: the controller does each step against its
// own store served as a Kubernetes API. Objects created are the store's (a child Workflow is run by
// the local controller), conditions decide the step, jsonPath and jqFilter outputs are read from the
// object, and `argo delete` removes what the workflow owns, as Kubernetes' garbage collector would.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../src/model/meta.js';
import type { Workflow } from '../../src/model/workflow.js';
import { openStore } from '../../src/store/index.js';
import { cliWithHome, fixture, lines, type Cli } from './cli.js';

let cli: Cli;
beforeAll(() => {
  cli = cliWithHome();
});
afterAll(() => cli.dispose());

async function submit(file: string): Promise<Workflow> {
  const r = await cli.run(['submit', fixture(`resource/${file}`), '--wait', '-o', 'name'], {
    timeoutMs: 60_000,
  });
  expect(r.stderr).toBe('');
  const got = await cli.run(['get', r.stdout.trim(), '-o', 'json']);
  return JSON.parse(got.stdout) as Workflow;
}

function outputsOf(wf: Workflow, step: string): Record<string, string | undefined> {
  const node = Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === step);
  return Object.fromEntries((node?.outputs?.parameters ?? []).map((p) => [p.name, p.value]));
}

async function withStore<T>(fn: (store: ReturnType<typeof openStore>) => Promise<T>): Promise<T> {
  const store = openStore({ path: path.join(cli.home, 'argo.db') });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('resource templates on the local engine', () => {
  let wf: Workflow;
  beforeAll(async () => {
    wf = await submit('lifecycle.yaml');
  }, 70_000);

  it('create, apply, patch, get, create-and-wait and delete all succeed', () => {
    expect(wf.status?.phase).toBe('Succeeded');
  });

  it('reads outputs with jsonPath and jqFilter from the object as each action left it', () => {
    const name = wf.metadata.name!;
    expect(outputsOf(wf, 'create')).toEqual({ name: `${name}-cm`, colour: 'red' });
    expect(outputsOf(wf, 'apply')).toEqual({ colour: 'blue' });
    expect(outputsOf(wf, 'patch')).toEqual({ labels: '["e2e-resource","patched"]' });
    expect(outputsOf(wf, 'get')).toEqual({ owner: 'Workflow' });
    expect(outputsOf(wf, 'child')).toEqual({ phase: 'Succeeded' });
  });

  it('runs the Workflow a step creates on the local controller, owned by its parent', async () => {
    const r = await cli.run(['list', '-o', 'name']);
    const child = lines(r.stdout).find((n) => n.startsWith(`${wf.metadata.name}-child-`));
    expect(child).toBeDefined();
    const got = JSON.parse((await cli.run(['get', child!, '-o', 'json'])).stdout) as Workflow;
    expect(got.status?.phase).toBe('Succeeded');
    expect(got.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Workflow',
        name: wf.metadata.name,
        uid: wf.metadata.uid,
        controller: true,
      }),
    ]);
  });

  it('deleted the ConfigMap by label selector in its last step', async () => {
    const cm = await withStore((s) => s.get<ConfigMap>('ConfigMap', 'default', `${wf.metadata.name}-cm`));
    expect(cm).toBeUndefined();
  });

  it('argo delete deletes the objects the workflow owns (its child Workflow)', async () => {
    const before = lines((await cli.run(['list', '-o', 'name'])).stdout);
    expect(before.some((n) => n.startsWith(`${wf.metadata.name}-child-`))).toBe(true);
    const r = await cli.run(['delete', wf.metadata.name!]);
    expect(r.code).toBe(0);
    // What the list still shows of them are their archived records, no live workflow.
    const after = JSON.parse((await cli.run(['list', '-o', 'json'])).stdout) as Workflow[];
    const live = after.filter(
      (w) =>
        w.metadata.name!.startsWith(wf.metadata.name!) &&
        w.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status'] !== 'Persisted',
    );
    expect(live).toEqual([]);
  });
});

describe('resource template failures on the local engine', () => {
  it('a failureCondition that holds fails the step and names the condition', async () => {
    const wf = await submit('child-fails.yaml');
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe("failure condition 'status.phase in (Error,Failed)' evaluated true");
  }, 70_000);

  it('a Job whose success condition reads its status fails at once: the engine runs no Job controller', async () => {
    const wf = await submit('job.yaml');
    expect(wf.status?.phase).toBe('Failed');
    expect(wf.status?.message).toBe(
      "success condition 'status.succeeded>0' waits on the status of the Job (batch/v1) it acts on, which only " +
        "that kind's controller writes, and this engine runs none: the step would wait forever; run this workflow on a cluster",
    );
  }, 70_000);
});
