// The Argo Server API over plain HTTP, driven with requests shaped as Argo's clients send them (the Go
// CLI with ARGO_HTTP1: JSON bodies without Content-Type that name the namespace, `listOptions.*`
// query parameters, `fields`), every response body checked against swagger.json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, swaggerProblems, WF, type TestServer } from './harness.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s?.close());

const workflow = (
  name: string,
  args = 'echo hello from {{workflow.name}}',
  extra: Record<string, unknown> = {},
) => ({
  metadata: { name, labels: { suite: 'api' } },
  spec: {
    entrypoint: 'main',
    templates: [{ name: 'main', container: { image: 'busybox', command: ['sh', '-c'], args: [args] } }],
    ...extra,
  },
});

const suspending = (name: string) => ({
  metadata: { name },
  spec: {
    entrypoint: 'main',
    templates: [
      {
        name: 'main',
        steps: [[{ name: 'wait', template: 'approve' }], [{ name: 'after', template: 'say' }]],
      },
      { name: 'approve', suspend: {} },
      { name: 'say', container: { image: 'busybox', command: ['sh', '-c'], args: ['echo approved'] } },
    ],
  },
});

async function waitFor(
  name: string,
  done: (wf: any) => boolean,
  ns = 'default',
  timeoutMs = 20_000,
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await s.fetch('GET', `/api/v1/workflows/${ns}/${name}`);
    if (r.status === 200 && done(r.json)) return r.json;
    if (Date.now() > deadline) throw new Error(`${name} not done: ${r.text.slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

const finished = (wf: any): boolean => Boolean(wf.status?.finishedAt);

function expectValid(definition: string, body: unknown): void {
  expect(swaggerProblems(definition.includes('.') ? definition : WF + definition, body)).toEqual([]);
}

function expectError(
  r: { status: number; json: any },
  status: number,
  code: number,
  message?: RegExp | string,
): void {
  expect(r.status).toBe(status);
  expect(Object.keys(r.json).sort()).toEqual(['code', 'message']);
  expect(r.json.code).toBe(code);
  expectValid('grpc.gateway.runtime.Error', r.json);
  if (message instanceof RegExp) expect(r.json.message).toMatch(message);
  else if (message !== undefined) expect(r.json.message).toBe(message);
}

describe('the swagger validator', () => {
  it('rejects a body of the wrong shape', () => {
    expect(swaggerProblems(`${WF}Workflow`, { metadata: 'x', spec: {} }).length).toBeGreaterThan(0);
    expect(swaggerProblems(`${WF}WorkflowList`, { metadata: {} }).length).toBeGreaterThan(0);
  });
});

describe('InfoService', () => {
  it('answers info, version and userinfo', async () => {
    const info = await s.fetch('GET', '/api/v1/info');
    expect(info.status).toBe(200);
    expectValid('InfoResponse', info.json);
    expect(info.json.modals).toEqual({ feedback: true, firstTimeUser: true, newVersion: true });
    const version = await s.fetch('GET', '/api/v1/version');
    expectValid('Version', version.json);
    expect(version.json.version).toMatch(/^v/);
    expect(version.headers['grpc-metadata-argo-version']).toBe(version.json.version);
    const user = await s.fetch('GET', '/api/v1/userinfo');
    expect(user.json).toEqual({});
    expectValid('GetUserInfoResponse', user.json);
    const tracking = await s.fetch('POST', '/api/v1/tracking/event', { body: { name: 'openedUI' } });
    expect(tracking.json).toEqual({});
  });

  it('answers unknown API paths with a gRPC NotFound', async () => {
    expectError(await s.fetch('GET', '/api/v1/nothing-here'), 404, 5, 'Not Found');
  });
});

describe('WorkflowService', () => {
  it('creates from a Go-client body (no Content-Type, namespace in the body) and runs it', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', {
      body: JSON.stringify({ namespace: 'default', serverDryRun: false, workflow: workflow('api-hello') }),
    });
    expect(r.status).toBe(200);
    expectValid('Workflow', r.json);
    expect(r.json.metadata.namespace).toBe('default');
    expect(r.json.metadata.uid).toBeTruthy();
    const done = await waitFor('api-hello', finished);
    expect(done.status.phase).toBe('Succeeded');
    expectValid('Workflow', done);
  });

  it('runs a workflow as the Go CLI marshals it (zero values, nulls, empty structs)', async () => {
    const goShaped = {
      namespace: 'default',
      serverDryRun: false,
      workflow: {
        metadata: { generateName: 'go-cli-', namespace: 'default', creationTimestamp: null },
        spec: {
          templates: [
            {
              name: 'main',
              inputs: {},
              outputs: {},
              metadata: {},
              container: {
                name: '',
                image: 'busybox',
                command: ['sh', '-c'],
                args: ['echo go'],
                resources: {},
              },
            },
          ],
          entrypoint: 'main',
          arguments: {},
        },
        status: { startedAt: null, finishedAt: null },
      },
    };
    const r = await s.fetch('POST', '/api/v1/workflows/default', { body: JSON.stringify(goShaped) });
    expect(r.status, r.text).toBe(200);
    expect(r.json.metadata.creationTimestamp).toMatch(/^\d{4}-/);
    const done = await waitFor(r.json.metadata.name, finished);
    expect(done.status.phase).toBe('Succeeded');
    expectValid('Workflow', done);
  });

  it('answers a second create of the same name with AlreadyExists (409)', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', {
      body: { workflow: workflow('api-hello') },
    });
    expectError(r, 409, 6, /already exists/);
  });

  it('refuses an invalid workflow with InvalidArgument (400) and a body without a workflow', async () => {
    const bad = workflow('api-bad');
    bad.spec.entrypoint = 'nope';
    expectError(
      await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: bad } }),
      400,
      3,
      /nope/,
    );
    expectError(
      await s.fetch('POST', '/api/v1/workflows/default', { body: {} }),
      400,
      3,
      'workflow body not specified',
    );
    expectError(await s.fetch('POST', '/api/v1/workflows/default', { body: '{not json' }), 400, 3);
  });

  it('dry runs return the workflow without storing it', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', {
      body: { workflow: workflow('api-dry'), createOptions: { dryRun: ['All'] } },
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.name).toBe('api-dry');
    expectError(await s.fetch('GET', '/api/v1/workflows/default/api-dry'), 404, 5);
  });

  it('gets a workflow, trimmed by `fields` as upstream trims it', async () => {
    const full = await s.fetch('GET', '/api/v1/workflows/default/api-hello');
    expect(full.status).toBe(200);
    const some = await s.fetch(
      'GET',
      '/api/v1/workflows/default/api-hello?fields=metadata.name,status.phase',
    );
    expect(some.json).toEqual({ metadata: { name: 'api-hello' }, spec: {}, status: { phase: 'Succeeded' } });
    expectValid('Workflow', some.json);
    const without = await s.fetch('GET', '/api/v1/workflows/default/api-hello?fields=-status.nodes,spec');
    expect(without.json.spec).toEqual({});
    expect(without.json.status.phase).toBe('Succeeded');
    expect(without.json.status.nodes).toBeUndefined();
    expectValid('Workflow', without.json);
    const latest = await s.fetch('GET', '/api/v1/workflows/default/@latest?fields=metadata.name');
    expect(latest.json.metadata.name).toBeTruthy();
    const wrongUid = await s.fetch('GET', '/api/v1/workflows/default/api-hello?uid=not-the-uid');
    expectError(wrongUid, 404, 5);
  });

  it('answers a missing workflow with NotFound and the Kubernetes message', async () => {
    expectError(
      await s.fetch('GET', '/api/v1/workflows/default/missing'),
      404,
      5,
      'workflows.argoproj.io "missing" not found',
    );
  });

  it('lists with listOptions, the CLI `fields`, offsets as continue, and all namespaces', async () => {
    for (const name of ['api-list-1', 'api-list-2']) {
      expect(
        (await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: workflow(name) } })).status,
      ).toBe(200);
    }
    const other = workflow('api-other-ns');
    expect(
      (await s.fetch('POST', '/api/v1/workflows/other', { body: { namespace: 'other', workflow: other } }))
        .status,
    ).toBe(200);

    const fields =
      'metadata,items.metadata.uid,items.metadata.name,items.metadata.namespace,items.metadata.creationTimestamp,items.metadata.labels,items.status.phase,items.status.finishedAt,items.status.startedAt';
    const all = await s.fetch(
      'GET',
      `/api/v1/workflows/default?listOptions.labelSelector=suite%3Dapi&fields=${fields}`,
    );
    expect(all.status).toBe(200);
    expectValid('WorkflowList', all.json);
    const names = all.json.items.map((w: any) => w.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['api-hello', 'api-list-1', 'api-list-2']));
    expect(names).not.toContain('api-other-ns');
    expect(all.json.items[0].spec).toEqual({});

    const page1 = await s.fetch(
      'GET',
      '/api/v1/workflows/default?listOptions.labelSelector=suite%3Dapi&listOptions.limit=2',
    );
    expect(page1.json.items).toHaveLength(2);
    expect(page1.json.metadata.continue).toBe('2');
    const page2 = await s.fetch(
      'GET',
      '/api/v1/workflows/default?listOptions.labelSelector=suite%3Dapi&listOptions.limit=2&listOptions.continue=2',
    );
    expect(page2.json.items.length).toBeGreaterThan(0);
    expect(page2.json.metadata.continue).toBeUndefined();
    const seen = [...page1.json.items, ...page2.json.items].map((w: any) => w.metadata.name);
    expect(new Set(seen).size).toBe(seen.length);

    const everywhere = await s.fetch('GET', '/api/v1/workflows/?listOptions.labelSelector=suite%3Dapi');
    expect(everywhere.json.items.map((w: any) => w.metadata.name)).toContain('api-other-ns');

    const byName = await s.fetch(
      'GET',
      '/api/v1/workflows/default?listOptions.fieldSelector=metadata.name%3Dapi-list-1',
    );
    expect(byName.json.items.map((w: any) => w.metadata.name)).toEqual(['api-list-1']);
    const contains = await s.fetch(
      'GET',
      '/api/v1/workflows/default?listOptions.fieldSelector=metadata.name%3Dlist&nameFilter=Contains',
    );
    expect(contains.json.items.map((w: any) => w.metadata.name).sort()).toEqual(['api-list-1', 'api-list-2']);
    const empty = await s.fetch('GET', '/api/v1/workflows/nowhere');
    expect(empty.json.items).toEqual([]);
    expectValid('WorkflowList', empty.json);
  });

  it('refuses list parameters upstream refuses', async () => {
    expectError(
      await s.fetch('GET', '/api/v1/workflows/default?listOptions.fieldSelector=status.phase%3DRunning'),
      400,
      3,
      'unsupported requirement status.phase=Running',
    );
    expectError(
      await s.fetch('GET', '/api/v1/workflows/default?listOptions.continue=abc'),
      400,
      3,
      'listOptions.continue must be int',
    );
    expectError(
      await s.fetch('GET', '/api/v1/workflows/default?listOptions.limit=x'),
      400,
      3,
      /type mismatch, parameter: listOptions.limit/,
    );
  });

  it('lints a workflow, returning it or upstream`s error', async () => {
    const ok = await s.fetch('POST', '/api/v1/workflows/default/lint', {
      body: { namespace: 'default', workflow: workflow('api-lint') },
    });
    expect(ok.status).toBe(200);
    expectValid('Workflow', ok.json);
    const bad = workflow('api-lint-bad');
    bad.spec.entrypoint = 'nope';
    // Upstream hands the validation error to gRPC as it is: code Unknown, HTTP 500.
    expectError(
      await s.fetch('POST', '/api/v1/workflows/default/lint', { body: { workflow: bad } }),
      500,
      2,
      /nope/,
    );
  });

  it('streams pod logs and workflow logs as server-sent events', async () => {
    const events = await s.fetch('GET', '/api/v1/workflows/default/api-hello/log?logOptions.container=main', {
      headers: { accept: 'text/event-stream' },
    });
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toContain('text/event-stream');
    const frames = events.text.split('\n\n').filter((f) => f.startsWith('data: '));
    expect(frames).toHaveLength(1);
    const entry = JSON.parse(frames[0].slice(6)).result;
    expectValid('LogEntry', entry);
    expect(entry).toEqual({ content: 'hello from api-hello', podName: 'api-hello' });

    const pod = await s.fetch(
      'GET',
      '/api/v1/workflows/default/api-hello/api-hello/log?logOptions.container=main',
      {
        headers: { accept: 'text/event-stream' },
      },
    );
    expect(pod.text).toContain('"content":"hello from api-hello"');
    // Without Accept: text/event-stream, grpc-gateway's newline-delimited JSON.
    const ndjson = await s.fetch('GET', '/api/v1/workflows/default/api-hello/log?logOptions.container=main');
    expect(
      ndjson.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ result: entry }]);
    expectError(await s.fetch('GET', '/api/v1/workflows/default/missing/log'), 404, 5);
    expectError(
      await s.fetch('GET', '/api/v1/workflows/default/api-hello/log?logOptions.follow=maybe'),
      400,
      3,
    );
  });

  it('follows the logs of a running workflow until it ends', async () => {
    const wf = workflow('api-follow', 'for i in 1 2 3; do echo line-$i; sleep 0.3; done');
    expect((await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: wf } })).status).toBe(200);
    const results = await s.events(
      '/api/v1/workflows/default/api-follow/log?logOptions.container=main&logOptions.follow=true',
      3,
      20_000,
    );
    expect(results.map((r) => r.result.content)).toEqual(['line-1', 'line-2', 'line-3']);
  });

  it('watches workflow events with the `fields` the UI asks for', async () => {
    const watching = s.events(
      '/api/v1/workflow-events/default?listOptions.fieldSelector=metadata.name%3Dapi-watched&fields=result.object.metadata.name,result.object.status.phase,result.type',
      2,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: workflow('api-watched') } }))
        .status,
    ).toBe(200);
    const events = await watching;
    expect(events.length).toBe(2);
    for (const e of events) {
      expect(Object.keys(e)).toEqual(['result']);
      expectValid('WorkflowWatchEvent', e.result);
      expect(e.result.object.metadata).toEqual({ name: 'api-watched' });
      expect(e.result.object.spec).toEqual({});
    }
    expect(events[0].result.type).toBe('ADDED');
  });

  it('resumes a watch from a list`s resourceVersion, as the UI does', async () => {
    const labelled = (name: string) => ({ ...workflow(name), metadata: { name, labels: { rv: 'test' } } });
    await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: labelled('api-before-rv') } });
    await waitFor('api-before-rv', finished);
    const listed = await s.fetch('GET', '/api/v1/workflows/default?listOptions.labelSelector=rv%3Dtest');
    const rv = listed.json.metadata.resourceVersion;
    expect(listed.json.items.map((w: any) => w.metadata.name)).toEqual(['api-before-rv']);
    const watch = (query: string) =>
      s.events(
        `/api/v1/workflow-events/default?listOptions.labelSelector=rv%3Dtest${query}&fields=result.type,result.object.metadata.name`,
        1,
      );
    // Without a resourceVersion a watch starts with what exists; from the list's version, only what changed since.
    expect((await watch(''))[0].result).toEqual({
      type: 'ADDED',
      object: { metadata: { name: 'api-before-rv' }, spec: {}, status: {} },
    });
    const watching = watch(`&listOptions.resourceVersion=${rv}`);
    await new Promise((r) => setTimeout(r, 300));
    await s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: labelled('api-after-rv') } });
    expect((await watching)[0].result).toEqual({
      type: 'ADDED',
      object: { metadata: { name: 'api-after-rv' }, spec: {}, status: {} },
    });
  });

  it('accepts a Hera-shaped create (JSON content type, generateName, serverDryRun false)', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default', {
      headers: { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' },
      body: {
        serverDryRun: false,
        workflow: {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          ...workflow(''),
          metadata: { generateName: 'hera-' },
        },
      },
    });
    expect(r.status).toBe(200);
    expect(r.json.metadata.name).toMatch(/^hera-[a-z0-9]{5}$/);
    expectValid('Workflow', r.json);
  });

  it('suspends, resumes, stops, terminates and sets workflows', async () => {
    const create = (name: string) =>
      s.fetch('POST', '/api/v1/workflows/default', { body: { workflow: suspending(name) } });
    expect((await create('api-approve')).status).toBe(200);
    await waitFor('api-approve', (wf) =>
      Object.values(wf.status?.nodes ?? {}).some((n: any) => n.type === 'Suspend' && n.phase === 'Running'),
    );
    const suspended = await s.fetch('PUT', '/api/v1/workflows/default/api-approve/suspend', {
      body: { name: 'api-approve', namespace: 'default' },
    });
    expect(suspended.status).toBe(200);
    expectValid('Workflow', suspended.json);
    expect(suspended.json.spec.suspend).toBe(true);
    const resumed = await s.fetch('PUT', '/api/v1/workflows/default/api-approve/resume', {
      body: { name: 'api-approve', namespace: 'default' },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.json.spec.suspend).toBeUndefined();
    expect((await waitFor('api-approve', finished)).status.phase).toBe('Succeeded');

    expect((await create('api-set')).status).toBe(200);
    await waitFor('api-set', (wf) =>
      Object.values(wf.status?.nodes ?? {}).some((n: any) => n.type === 'Suspend'),
    );
    const badPhase = await s.fetch('PUT', '/api/v1/workflows/default/api-set/set', {
      body: { nodeFieldSelector: 'displayName=wait', phase: 'Running' },
    });
    expectError(badPhase, 400, 3, 'Running is an invalid phase to set to');
    const set = await s.fetch('PUT', '/api/v1/workflows/default/api-set/set', {
      body: {
        name: 'api-set',
        namespace: 'default',
        nodeFieldSelector: 'displayName=wait',
        phase: 'Failed',
        message: 'no',
      },
    });
    expect(set.status).toBe(200);
    expect((await waitFor('api-set', finished)).status.phase).toBe('Failed');

    expect((await create('api-stop')).status).toBe(200);
    await waitFor('api-stop', (wf) => wf.status?.phase === 'Running');
    const stopped = await s.fetch('PUT', '/api/v1/workflows/default/api-stop/stop', {
      body: { message: 'enough' },
    });
    expect(stopped.status).toBe(200);
    expect(stopped.json.spec.shutdown).toBe('Stop');
    expect((await waitFor('api-stop', finished)).status.phase).not.toBe('Succeeded');

    expect((await create('api-terminate')).status).toBe(200);
    await waitFor('api-terminate', (wf) => wf.status?.phase === 'Running');
    const terminated = await s.fetch('PUT', '/api/v1/workflows/default/api-terminate/terminate', {
      body: {},
    });
    expect(terminated.json.spec.shutdown).toBe('Terminate');
    expect((await waitFor('api-terminate', finished)).status.phase).toBe('Failed');
  });

  it('retries a failed workflow and resubmits a finished one', async () => {
    expect(
      (
        await s.fetch('POST', '/api/v1/workflows/default', {
          body: { workflow: workflow('api-fails', 'exit 3') },
        })
      ).status,
    ).toBe(200);
    expect((await waitFor('api-fails', finished)).status.phase).toBe('Failed');
    const retried = await s.fetch('PUT', '/api/v1/workflows/default/api-fails/retry', {
      body: { name: 'api-fails', namespace: 'default', restartSuccessful: false, nodeFieldSelector: '' },
    });
    expect(retried.status).toBe(200);
    expectValid('Workflow', retried.json);
    expect(retried.json.metadata.name).toBe('api-fails');
    expect(retried.json.status.finishedAt).toBeUndefined();
    await waitFor('api-fails', finished);

    const resubmitted = await s.fetch('PUT', '/api/v1/workflows/default/api-hello/resubmit', {
      body: { memoized: false },
    });
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.json.metadata.name).not.toBe('api-hello');
    expect(resubmitted.json.metadata.labels['workflows.argoproj.io/resubmitted-from-workflow']).toBe(
      'api-hello',
    );
    const notFailed = await s.fetch('PUT', '/api/v1/workflows/default/api-hello/retry', { body: {} });
    expect(notFailed.status).toBeGreaterThanOrEqual(400);
    expect(typeof notFailed.json.message).toBe('string');
  });

  it('deletes a workflow', async () => {
    const r = await s.fetch('DELETE', '/api/v1/workflows/default/api-list-2', {
      body: { namespace: 'default', name: 'api-list-2' },
    });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
    expectError(await s.fetch('DELETE', '/api/v1/workflows/default/api-list-2'), 404, 5);
  });
});

describe('WorkflowTemplateService, ClusterWorkflowTemplateService and submit', () => {
  const template = {
    metadata: { name: 'api-tmpl' },
    spec: {
      entrypoint: 'greet',
      arguments: { parameters: [{ name: 'who', value: 'template' }] },
      templates: [
        {
          name: 'greet',
          inputs: { parameters: [{ name: 'who' }] },
          container: { image: 'busybox', command: ['sh', '-c'], args: ['echo hi {{inputs.parameters.who}}'] },
        },
      ],
    },
  };

  it('creates, gets, lists, updates, lints and deletes workflow templates', async () => {
    const created = await s.fetch('POST', '/api/v1/workflow-templates/default', {
      body: { namespace: 'default', template },
    });
    expect(created.status).toBe(200);
    expectValid('WorkflowTemplate', created.json);
    expectError(await s.fetch('POST', '/api/v1/workflow-templates/default', { body: { template } }), 409, 6);
    expectError(
      await s.fetch('POST', '/api/v1/workflow-templates/default', { body: {} }),
      400,
      3,
      'workflow template was not found in the request body',
    );

    const got = await s.fetch('GET', '/api/v1/workflow-templates/default/api-tmpl');
    expectValid('WorkflowTemplate', got.json);
    const listed = await s.fetch('GET', '/api/v1/workflow-templates/default');
    expectValid('WorkflowTemplateList', listed.json);
    expect(listed.json.items.map((t: any) => t.metadata.name)).toEqual(['api-tmpl']);
    const pattern = await s.fetch('GET', '/api/v1/workflow-templates/default?namePattern=nomatch');
    expect(pattern.json.items).toEqual([]);

    const updated = await s.fetch('PUT', '/api/v1/workflow-templates/default/api-tmpl', {
      body: {
        namespace: 'default',
        name: 'api-tmpl',
        template: { ...got.json, metadata: { ...got.json.metadata, labels: { v: '2' } } },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.metadata.labels).toEqual({ v: '2' });

    const lint = await s.fetch('POST', '/api/v1/workflow-templates/default/lint', { body: { template } });
    expect(lint.status).toBe(200);
    expectError(await s.fetch('GET', '/api/v1/workflow-templates/default/missing'), 404, 5);
  });

  it('submits from a workflow template with submit options', async () => {
    const r = await s.fetch('POST', '/api/v1/workflows/default/submit', {
      body: {
        namespace: 'default',
        resourceKind: 'WorkflowTemplate',
        resourceName: 'api-tmpl',
        submitOptions: { parameters: ['who=submitter'], labels: 'from=submit' },
      },
    });
    expect(r.status).toBe(200);
    expectValid('Workflow', r.json);
    expect(r.json.spec.workflowTemplateRef).toEqual({ name: 'api-tmpl' });
    expect(r.json.metadata.labels.from).toBe('submit');
    const done = await waitFor(r.json.metadata.name, finished);
    expect(done.status.phase).toBe('Succeeded');
    expectError(
      await s.fetch('POST', '/api/v1/workflows/default/submit', {
        body: { resourceKind: 'Pod', resourceName: 'x' },
      }),
      400,
      3,
      "Resource kind 'Pod' is not supported for submitting",
    );
    expect((await s.fetch('DELETE', '/api/v1/workflow-templates/default/api-tmpl')).json).toEqual({});
  });

  it('serves cluster workflow templates', async () => {
    const t = { ...template, metadata: { name: 'api-ctmpl' } };
    const created = await s.fetch('POST', '/api/v1/cluster-workflow-templates', { body: { template: t } });
    expect(created.status).toBe(200);
    expectValid('ClusterWorkflowTemplate', created.json);
    expect(created.json.metadata.namespace).toBeUndefined();
    const listed = await s.fetch('GET', '/api/v1/cluster-workflow-templates');
    expectValid('ClusterWorkflowTemplateList', listed.json);
    expect(listed.json.items.map((x: any) => x.metadata.name)).toEqual(['api-ctmpl']);
    const got = await s.fetch('GET', '/api/v1/cluster-workflow-templates/api-ctmpl');
    const updated = await s.fetch('PUT', '/api/v1/cluster-workflow-templates/api-ctmpl', {
      body: {
        name: 'api-ctmpl',
        template: { ...got.json, metadata: { ...got.json.metadata, labels: { v: '2' } } },
      },
    });
    expect(updated.json.metadata.labels).toEqual({ v: '2' });
    expect(
      (await s.fetch('POST', '/api/v1/cluster-workflow-templates/lint', { body: { template: t } })).status,
    ).toBe(200);
    const submitted = await s.fetch('POST', '/api/v1/workflows/default/submit', {
      body: { resourceKind: 'ClusterWorkflowTemplate', resourceName: 'api-ctmpl' },
    });
    expect(submitted.json.spec.workflowTemplateRef).toEqual({ name: 'api-ctmpl', clusterScope: true });
    expect((await s.fetch('DELETE', '/api/v1/cluster-workflow-templates/api-ctmpl')).json).toEqual({});
    expectError(await s.fetch('GET', '/api/v1/cluster-workflow-templates/api-ctmpl'), 404, 5);
  });
});

describe('CronWorkflowService', () => {
  const cron = {
    metadata: { name: 'api-cron' },
    spec: {
      schedules: ['0 0 1 1 *'],
      workflowSpec: {
        entrypoint: 'main',
        templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }],
      },
    },
  };

  it('creates, lists, gets, suspends, resumes, updates, lints and deletes', async () => {
    const created = await s.fetch('POST', '/api/v1/cron-workflows/default', {
      body: { namespace: 'default', cronWorkflow: cron },
    });
    expect(created.status).toBe(200);
    expectValid('CronWorkflow', created.json);
    const listed = await s.fetch('GET', '/api/v1/cron-workflows/default');
    expectValid('CronWorkflowList', listed.json);
    expect(listed.json.items.map((c: any) => c.metadata.name)).toEqual(['api-cron']);
    const suspended = await s.fetch('PUT', '/api/v1/cron-workflows/default/api-cron/suspend', {
      body: { namespace: 'default', name: 'api-cron' },
    });
    expect(suspended.json.spec.suspend).toBe(true);
    const resumed = await s.fetch('PUT', '/api/v1/cron-workflows/default/api-cron/resume', { body: {} });
    expect(resumed.json.spec.suspend).toBeFalsy();
    const got = await s.fetch('GET', '/api/v1/cron-workflows/default/api-cron');
    const updated = await s.fetch('PUT', '/api/v1/cron-workflows/default/api-cron', {
      body: { cronWorkflow: { ...got.json, spec: { ...got.json.spec, schedules: ['0 1 * * *'] } } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.spec.schedules).toEqual(['0 1 * * *']);
    const badLint = await s.fetch('POST', '/api/v1/cron-workflows/default/lint', {
      body: { cronWorkflow: { ...cron, spec: { ...cron.spec, schedules: ['not a schedule'] } } },
    });
    expectError(badLint, 400, 3);
    expectError(
      await s.fetch('POST', '/api/v1/cron-workflows/default', { body: {} }),
      404,
      5,
      'cron workflow was not found in the request body',
    );
    const submitted = await s.fetch('POST', '/api/v1/workflows/default/submit', {
      body: { resourceKind: 'cronwf', resourceName: 'api-cron' },
    });
    expect(submitted.status).toBe(200);
    expect((await s.fetch('DELETE', '/api/v1/cron-workflows/default/api-cron')).json).toEqual({});
    expectError(await s.fetch('GET', '/api/v1/cron-workflows/default/api-cron'), 404, 5);
  });
});

describe('ArchivedWorkflowService without a persistence configuration', () => {
  it('lists nothing and refuses reads as upstream`s null archive does', async () => {
    const list = await s.fetch('GET', '/api/v1/archived-workflows?namespace=default');
    expect(list.status).toBe(200);
    expect(list.json.items).toEqual([]);
    expectValid('WorkflowList', list.json);
    expectError(
      await s.fetch('GET', '/api/v1/archived-workflows/some-uid'),
      500,
      13,
      'getting archived workflows not supported',
    );
    expectError(
      await s.fetch('DELETE', '/api/v1/archived-workflows/some-uid'),
      500,
      13,
      'getting archived workflows not supported',
    );
    expectError(await s.fetch('PUT', '/api/v1/archived-workflows/some-uid/resubmit', { body: {} }), 500, 13);
    expectError(await s.fetch('PUT', '/api/v1/archived-workflows/some-uid/retry', { body: {} }), 500, 13);
    const keys = await s.fetch('GET', '/api/v1/archived-workflows-label-keys');
    expect(keys.status).toBe(200);
    expectValid('LabelKeys', keys.json);
    const values = await s.fetch(
      'GET',
      '/api/v1/archived-workflows-label-values?listOptions.labelSelector=team',
    );
    expect(values.status).toBe(200);
    expectValid('LabelValues', values.json);
    expectError(
      await s.fetch('GET', '/api/v1/archived-workflows-label-values?listOptions.labelSelector=a%3Db'),
      400,
      3,
      'operation = is not supported',
    );
  });
});

describe('SyncService', () => {
  it('creates, reads, updates and deletes ConfigMap semaphore limits', async () => {
    const created = await s.fetch('POST', '/api/v1/sync/default', {
      body: { namespace: 'default', cmName: 'limits', key: 'gpu', limit: 2, type: 'CONFIGMAP' },
    });
    expect(created.status).toBe(200);
    expectValid('sync.SyncLimitResponse', created.json);
    expect(created.json).toEqual({ cmName: 'limits', namespace: 'default', key: 'gpu', limit: 2 });
    expectError(
      await s.fetch('POST', '/api/v1/sync/default', { body: { cmName: 'limits', key: 'gpu', limit: 2 } }),
      409,
      6,
      'sync limit cannot be created as it already exists',
    );
    expectError(
      await s.fetch('POST', '/api/v1/sync/default', { body: { cmName: 'limits', key: 'x', limit: 0 } }),
      400,
      3,
      'limit must be greater than zero',
    );
    const got = await s.fetch('GET', '/api/v1/sync/default/gpu?cmName=limits&type=CONFIGMAP');
    expect(got.json.limit).toBe(2);
    const updated = await s.fetch('PUT', '/api/v1/sync/default/gpu', {
      body: { cmName: 'limits', key: 'gpu', limit: 5 },
    });
    expect(updated.json.limit).toBe(5);
    expectError(
      await s.fetch('GET', '/api/v1/sync/default/cpu?cmName=limits'),
      404,
      5,
      'key cpu not found in configmap default/limits',
    );
    expect((await s.fetch('DELETE', '/api/v1/sync/default/gpu?cmName=limits')).json).toEqual({});
    expectError(await s.fetch('GET', '/api/v1/sync/default/gpu?cmName=limits'), 404, 5);
  });

  it('keeps database semaphore limits in the synchronization database', async () => {
    // The ConfigMap key of the same name is a different limit.
    expectError(
      await s.fetch('GET', '/api/v1/sync/default/gpu?type=DATABASE'),
      404,
      5,
      /not found in the database/,
    );
    const created = await s.fetch('POST', '/api/v1/sync/default', {
      body: { key: 'gpu', limit: 4, type: 'DATABASE' },
    });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ namespace: 'default', key: 'gpu', limit: 4, type: 'DATABASE' });
    expectError(
      await s.fetch('POST', '/api/v1/sync/default', { body: { key: 'gpu', limit: 4, type: 'DATABASE' } }),
      409,
      6,
      'sync limit cannot be created as it already exists',
    );
    const updated = await s.fetch('PUT', '/api/v1/sync/default/gpu', {
      body: { key: 'gpu', limit: 6, type: 'DATABASE' },
    });
    expect(updated.json.limit).toBe(6);
    expect((await s.fetch('GET', '/api/v1/sync/default/gpu?type=DATABASE')).json.limit).toBe(6);
    expect((await s.fetch('DELETE', '/api/v1/sync/default/gpu?type=DATABASE')).json).toEqual({});
    expectError(await s.fetch('GET', '/api/v1/sync/default/gpu?type=DATABASE'), 404, 5);
  });
});

describe('EventService, event sources and sensors', () => {
  it('lists workflow event bindings', async () => {
    const r = await s.fetch('GET', '/api/v1/workflow-event-bindings/default');
    expect(r.status).toBe(200);
    expectValid('WorkflowEventBindingList', r.json);
  });

  it('submits workflows for the event bindings an event matches', async () => {
    await s.fetch('POST', '/api/v1/workflow-templates/default', {
      body: {
        template: {
          metadata: { name: 'api-on-event' },
          spec: {
            entrypoint: 'main',
            arguments: { parameters: [{ name: 'message' }] },
            templates: [
              {
                name: 'main',
                inputs: { parameters: [{ name: 'message' }] },
                container: {
                  image: 'busybox',
                  command: ['sh', '-c'],
                  args: ['echo got {{inputs.parameters.message}}'],
                },
              },
            ],
          },
        },
      },
    });
    const binding = (name: string, selector: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowEventBinding',
      metadata: { name, namespace: 'default' },
      spec: {
        event: { selector },
        submit: {
          workflowTemplateRef: { name: 'api-on-event' },
          metadata: { labels: { trace: 'metadata["x-trace"][0]' } },
          arguments: { parameters: [{ name: 'message', valueFrom: { event: 'payload.message' } }] },
        },
      },
    });
    await s.store.create(
      'WorkflowEventBinding',
      binding('api-hook', 'discriminator == "hook" && payload.message != ""'),
    );
    await s.store.create('WorkflowEventBinding', binding('api-other', 'discriminator == "other"'));
    const r = await s.fetch('POST', '/api/v1/events/default/hook', {
      body: { message: 'ping' },
      headers: { 'x-trace': 't-1' },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({});
    const list = await s.fetch(
      'GET',
      '/api/v1/workflows/default?listOptions.labelSelector=workflows.argoproj.io%2Fworkflow-event-binding',
    );
    expect(list.json.items).toHaveLength(1);
    const wf = list.json.items[0];
    expect(wf.metadata.labels['workflows.argoproj.io/workflow-event-binding']).toBe('api-hook');
    expect(wf.metadata.labels.trace).toBe('t-1');
    expect(wf.spec.arguments.parameters).toEqual([{ name: 'message', value: 'ping' }]);
    expect((await waitFor(wf.metadata.name, finished)).status.phase).toBe('Succeeded');
    await s.store.create('WorkflowEventBinding', binding('api-broken', 'payload.nope.deeper =='));
    expectError(
      await s.fetch('POST', '/api/v1/events/default/hook', { body: { message: 'x' } }),
      500,
      13,
      /failed to dispatch event/,
    );
  });

  it('answers Argo Events endpoints with Unimplemented', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/event-sources/default'],
      ['POST', '/api/v1/event-sources/default'],
      ['GET', '/api/v1/event-sources/default/x'],
      ['PUT', '/api/v1/event-sources/default/x'],
      ['DELETE', '/api/v1/event-sources/default/x'],
      ['GET', '/api/v1/stream/event-sources/default'],
      ['GET', '/api/v1/stream/event-sources/default/logs'],
      ['GET', '/api/v1/sensors/default'],
      ['POST', '/api/v1/sensors/default'],
      ['GET', '/api/v1/sensors/default/x'],
      ['PUT', '/api/v1/sensors/default/x'],
      ['DELETE', '/api/v1/sensors/default/x'],
      ['GET', '/api/v1/stream/sensors/default'],
      ['GET', '/api/v1/stream/sensors/default/logs'],
    ] as const) {
      const r = await s.fetch(method, path, method === 'GET' || method === 'DELETE' ? {} : { body: {} });
      expectError(r, 501, 12);
      expect(r.json.message).toMatch(/not (supported|include)/);
    }
  });

  it('keeps the Kubernetes events stream open', async () => {
    const events = await s.events('/api/v1/stream/events/default', 1, 500);
    expect(events).toEqual([]);
  });
});
