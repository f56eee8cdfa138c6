// `argo argoexec resource ACTION`, the main container of a resource template, run as the built CLI
// against the fake Kubernetes API: each kubectl action on the staged manifest, owner references,
// success and failure conditions polled on the live object, output parameters by jsonPath and
// jqFilter in the node's WorkflowTaskResult, and errors as one line in the termination log.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/model/meta.js';
import type { Template } from '../../../src/model/template.js';
import type { WorkflowTaskResult } from '../../../src/model/workflow.js';
import {
  argoexec,
  podEnv,
  podIn,
  terminationMessage,
  type Exit,
  type PodEnv,
} from '../../helpers/argoexec-pod.js';
import { startFakeApiServer } from '../../helpers/fake-apiserver.js';

let api: Awaited<ReturnType<typeof startFakeApiServer>>;
let scratch: string;
let kubeconfig: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'argoexec-resource-'));
  api = await startFakeApiServer();
  kubeconfig = api.writeKubeconfig(scratch, { namespace: 'argo' });
});
afterAll(async () => {
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let n = 0;
let dir: string;
beforeEach(() => {
  dir = path.join(scratch, `pod-${++n}`);
});

function pod(template: Template): PodEnv {
  return podIn(dir, kubeconfig, template, `wf-1-${n}`, { RESOURCE_STATE_CHECK_INTERVAL: '50ms' });
}

function resourceTemplate(resource: Template['resource'], outputs?: Template['outputs']): Template {
  return { name: 'res', resource, ...(outputs ? { outputs } : {}) };
}

async function runResource(template: Template): Promise<{ exit: Exit; p: PodEnv }> {
  const p = pod(template);
  const exit = await argoexec(['resource', template.resource!.action], podEnv(p, 'main'));
  return { exit, p };
}

const taskResult = (p: PodEnv) => api.store.get<WorkflowTaskResult>('WorkflowTaskResult', 'argo', p.nodeId!);

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}
const configMap = (name: string) => api.store.get<ConfigMap>('ConfigMap', 'argo', name);

async function seedConfigMap(name: string, data: Record<string, string>, labels?: Record<string, string>) {
  await api.store.create<ConfigMap>('ConfigMap', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'argo', ...(labels ? { labels } : {}) },
    data,
  });
}

function expectFailure(exit: Exit, p: PodEnv, message: string | RegExp): void {
  expect(exit.code, exit.stderr).toBe(64);
  const written = terminationMessage(p.root);
  expect(written).toBeDefined();
  expect(written).not.toContain('\n');
  if (typeof message === 'string') expect(written).toBe(message);
  else expect(written).toMatch(message);
}

// Each case starts the CLI up to four times; on a loaded machine that is slow.
describe('argoexec resource', { timeout: 120_000 }, () => {
  it('creates a ConfigMap owned by the workflow and reports output parameters by jsonPath and jqFilter', async () => {
    const template = resourceTemplate(
      {
        action: 'create',
        setOwnerReference: true,
        manifest:
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: owned-\ndata:\n  some: value\n',
      },
      {
        parameters: [
          { name: 'name', valueFrom: { jsonPath: '{.metadata.name}' } },
          { name: 'some', valueFrom: { jsonPath: '{.data.some}' } },
          {
            name: 'owner',
            valueFrom: {
              jsonPath: '{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}',
            },
          },
          { name: 'data', valueFrom: { jqFilter: '.data' } },
          { name: 'missing', valueFrom: { jsonPath: '{.status.nothing}' } },
        ],
      },
    );
    const { exit, p } = await runResource(template);
    expect(exit.code, exit.stderr).toBe(0);
    // The main container stages the manifest itself, as upstream's does.
    expect(readFileSync(path.join(p.root, 'tmp/manifest.yaml'), 'utf8')).toBe(template.resource!.manifest);

    const created = (await api.store.list<ConfigMap>('ConfigMap', { namespace: 'argo' })).items.filter((c) =>
      c.metadata.name!.startsWith('owned-'),
    );
    expect(created).toHaveLength(1);
    const cm = created[0];
    expect(cm.data).toEqual({ some: 'value' });
    expect(cm.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        name: 'wf-1',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(exit.stderr).toContain(`selfLink=api/v1/namespaces/argo/configmaps/${cm.metadata.name}`);
    expect(exit.stderr).toContain(`resource=configmap./${cm.metadata.name}`);

    const result = await taskResult(p);
    expect(result?.metadata.labels?.['workflows.argoproj.io/report-outputs-completed']).toBe('true');
    const values = Object.fromEntries((result?.outputs?.parameters ?? []).map((x) => [x.name, x.value]));
    expect(values).toEqual({
      name: cm.metadata.name,
      some: 'value',
      owner: 'Workflow/wf-1',
      data: '{"some":"value"}',
      missing: '',
    });
  });

  it('applies twice: creates, then sets changed fields and removes the ones no longer applied', async () => {
    const manifest = (data: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\ndata:\n${data}`;
    const first = await runResource(
      resourceTemplate({ action: 'apply', manifest: manifest('  a: "1"\n  b: "2"\n') }),
    );
    expect(first.exit.code, first.exit.stderr).toBe(0);
    const created = await configMap('applied');
    expect(created?.data).toEqual({ a: '1', b: '2' });
    expect(
      JSON.parse(created!.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']),
    ).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied' },
      data: { a: '1', b: '2' },
    });
    // Someone else's field survives the next apply; the field dropped from the manifest does not.
    await api.store.patch('ConfigMap', 'argo', 'applied', { data: { theirs: 'x' } });

    const second = await runResource(
      resourceTemplate({ action: 'apply', manifest: manifest('  a: "10"\n') }),
    );
    expect(second.exit.code, second.exit.stderr).toBe(0);
    const updated = await configMap('applied');
    expect(updated?.data).toEqual({ a: '10', theirs: 'x' });
    expect(updated?.metadata.uid).toBe(created?.metadata.uid);
  });

  it('patches with the merge strategy, from the manifest or from flags naming the object', async () => {
    await seedConfigMap('merged', { a: '1', b: '2' });
    const fromManifest = await runResource(
      resourceTemplate({
        action: 'patch',
        mergeStrategy: 'merge',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: merged\ndata:\n  b: "20"\n  c: "3"\n',
      }),
    );
    expect(fromManifest.exit.code, fromManifest.exit.stderr).toBe(0);
    expect((await configMap('merged'))?.data).toEqual({ a: '1', b: '20', c: '3' });

    const before = api.requests.length;
    const fromFlags = await runResource(
      resourceTemplate({
        action: 'patch',
        mergeStrategy: 'merge',
        flags: ['configmap', 'merged'],
        manifest: 'metadata:\n  annotations:\n    foo: bar\n',
      }),
    );
    expect(fromFlags.exit.code, fromFlags.exit.stderr).toBe(0);
    const cm = await configMap('merged');
    expect(cm?.metadata.annotations).toEqual({ foo: 'bar' });
    expect(cm?.data).toEqual({ a: '1', b: '20', c: '3' });
    const patches = api.requests
      .slice(before)
      .filter((r) => r.method === 'PATCH' && r.path.includes('/configmaps/'));
    expect(patches.map((r) => [r.path, r.contentType])).toEqual([
      ['/api/v1/namespaces/argo/configmaps/merged', 'application/merge-patch+json'],
    ]);
  });

  it('patches with a json patch on the object flags name, and strategic by default', async () => {
    await seedConfigMap('jsonpatched', { a: '1' });
    const before = api.requests.length;
    const json = await runResource(
      resourceTemplate({
        action: 'patch',
        mergeStrategy: 'json',
        flags: ['configmap', 'jsonpatched'],
        manifest: '- op: add\n  path: /data/b\n  value: "2"\n- op: remove\n  path: /data/a\n',
      }),
    );
    expect(json.exit.code, json.exit.stderr).toBe(0);
    expect((await configMap('jsonpatched'))?.data).toEqual({ b: '2' });

    const strategic = await runResource(
      resourceTemplate({
        action: 'patch',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jsonpatched\ndata:\n  c: "3"\n',
      }),
    );
    expect(strategic.exit.code, strategic.exit.stderr).toBe(0);
    expect((await configMap('jsonpatched'))?.data).toEqual({ b: '2', c: '3' });
    const types = api.requests
      .slice(before)
      .filter((r) => r.method === 'PATCH' && r.path.includes('/configmaps/'))
      .map((r) => r.contentType);
    expect(types).toEqual(['application/json-patch+json', 'application/strategic-merge-patch+json']);
  });

  it('deletes; a missing object is no error unless resource.flags say --ignore-not-found=false', async () => {
    await seedConfigMap('doomed', { a: '1' });
    const manifest = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    const deleted = await runResource(resourceTemplate({ action: 'delete', manifest: manifest('doomed') }));
    expect(deleted.exit.code, deleted.exit.stderr).toBe(0);
    expect(await configMap('doomed')).toBeUndefined();

    const missing = await runResource(resourceTemplate({ action: 'delete', manifest: manifest('nope') }));
    expect(missing.exit.code, missing.exit.stderr).toBe(0);
    const ignored = await runResource(
      resourceTemplate({ action: 'delete', flags: ['--ignore-not-found'], manifest: manifest('nope') }),
    );
    expect(ignored.exit.code, ignored.exit.stderr).toBe(0);

    const strict = await runResource(
      resourceTemplate({ action: 'delete', flags: ['--ignore-not-found=false'], manifest: manifest('nope') }),
    );
    expectFailure(
      strict.exit,
      strict.p,
      'no more retries Error from server (NotFound): error when deleting "/tmp/manifest.yaml": configmaps "nope" not found',
    );
    // The task result is still marked complete, so the controller does not wait for outputs.
    expect(
      (await taskResult(strict.p))?.metadata.labels?.['workflows.argoproj.io/report-outputs-completed'],
    ).toBe('true');
  });

  it('deletes what a type and label selector in resource.flags name', async () => {
    await seedConfigMap('sel-1', {}, { cleanup: 'true' });
    await seedConfigMap('sel-2', {}, { cleanup: 'true' });
    await seedConfigMap('sel-3', {}, { cleanup: 'false' });
    const { exit } = await runResource(
      resourceTemplate({ action: 'delete', flags: ['configmap', '--selector', 'cleanup=true'] }),
    );
    expect(exit.code, exit.stderr).toBe(0);
    expect(await configMap('sel-1')).toBeUndefined();
    expect(await configMap('sel-2')).toBeUndefined();
    expect(await configMap('sel-3')).toBeDefined();
  });

  it('waits until the success condition holds on the live object', async () => {
    await api.store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'awaited', namespace: 'argo' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
      status: { phase: 'Running' },
    });
    const template = resourceTemplate(
      {
        action: 'get',
        successCondition: 'status.phase == Succeeded',
        failureCondition: 'status.phase in (Failed, Error)',
        manifest: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: awaited\n',
      },
      { parameters: [{ name: 'phase', valueFrom: { jsonPath: '{.status.phase}' } }] },
    );
    const p = pod(template);
    const objectPath = '/apis/argoproj.io/v1alpha1/namespaces/argo/workflows/awaited';
    const reads = () => api.requests.filter((r) => r.method === 'GET' && r.path === objectPath).length;
    const start = reads();
    let settled = false;
    const running = argoexec(['resource', 'get'], podEnv(p, 'main')).finally(() => (settled = true));
    // Several polls go by while the workflow is still running.
    for (let i = 0; i < 200 && reads() - start < 4; i++) await new Promise((r) => setTimeout(r, 50));
    expect(reads() - start).toBeGreaterThanOrEqual(4);
    expect(settled).toBe(false);
    await api.store.patch('Workflow', 'argo', 'awaited', { status: { phase: 'Succeeded' } });
    const exit = await running;
    expect(exit.code, exit.stderr).toBe(0);
    expect((await taskResult(p))?.outputs?.parameters).toEqual([
      { name: 'phase', value: 'Succeeded', valueFrom: { jsonPath: '{.status.phase}' } },
    ]);
  });

  it('fails when the failure condition holds', async () => {
    await api.store.create('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'broken', namespace: 'argo' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
      status: { phase: 'Failed' },
    });
    const { exit, p } = await runResource(
      resourceTemplate({
        action: 'get',
        successCondition: 'status.phase == Succeeded',
        failureCondition: 'status.phase in (Failed, Error)',
        manifest: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  name: broken\n',
      }),
    );
    expectFailure(exit, p, "failure condition 'status.phase in (Error,Failed)' evaluated true");
  });

  it('refuses a kind the API does not serve with one clear line', async () => {
    const { exit, p } = await runResource(
      resourceTemplate({
        action: 'create',
        manifest: 'apiVersion: example.com/v1\nkind: Thing\nmetadata:\n  name: t\n',
      }),
    );
    expectFailure(
      exit,
      p,
      'no more retries error: resource mapping not found for name: "t" namespace: "" from "/tmp/manifest.yaml": no matches for kind "Thing" in version "example.com/v1"; ensure CRDs are installed first',
    );
    expect(exit.stderr).toContain('no matches for kind');
  });

  it('refuses conditions and outputs on delete, and an unknown action, before touching anything', async () => {
    const del = await runResource(
      resourceTemplate({
        action: 'delete',
        successCondition: 'status.phase == Succeeded',
        manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      }),
    );
    expectFailure(
      del.exit,
      del.p,
      'successCondition, failureCondition and outputs are not supported for delete action',
    );
    const unknown = await runResource(resourceTemplate({ action: 'frobnicate', manifest: '' }));
    expectFailure(
      unknown.exit,
      unknown.p,
      'unknown resource action "frobnicate": use one of get, create, apply, delete, patch, replace',
    );
  });

  it('replaces an object and reads a manifest from an input artifact', async () => {
    await seedConfigMap('replaced', { a: '1', b: '2' });
    const template: Template = {
      name: 'res',
      inputs: { artifacts: [{ name: 'manifest', path: '/tmp/input/manifest.yaml' }] },
      resource: { action: 'replace', manifestFrom: { artifact: { name: 'manifest' } } },
    };
    // Where init leaves an input artifact that is not on one of the template's volumes.
    const staged = path.join(dir, 'root/argo/inputs/artifacts/manifest');
    mkdirSync(path.dirname(staged), { recursive: true });
    writeFileSync(staged, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: replaced\ndata:\n  c: "3"\n');
    const { exit } = await runResource(template);
    expect(exit.code, exit.stderr).toBe(0);
    expect((await configMap('replaced'))?.data).toEqual({ c: '3' });
  });

  it('gets a missing object with --ignore-not-found: output parameters take their defaults', async () => {
    const { exit, p } = await runResource(
      resourceTemplate(
        {
          action: 'get',
          flags: ['--ignore-not-found'],
          manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: absent\n',
        },
        { parameters: [{ name: 'x', valueFrom: { jsonPath: '{.data.x}', default: 'none' } }] },
      ),
    );
    expect(exit.code, exit.stderr).toBe(0);
    expect((await taskResult(p))?.outputs?.parameters?.[0]?.value).toBe('none');
  });
});
