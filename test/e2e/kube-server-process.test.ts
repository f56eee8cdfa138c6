// `argo server` on a cluster, as its own process with a kubeconfig pointing at the fake API server,
// in both auth modes, and the CLI through ARGO_SERVER. The API server knows three users by token
// with different rights (RBAC-like rules): the cluster's admin (controller, kubelet, and the server
// in server mode), alice, who may work with workflows in team-a only, and bob, who may only read
// ConfigMaps there. In client mode each request's token reaches the Kubernetes API, so alice works,
// bob gets the API server's 403, and a token it does not know gets 401. The admin's and alice's
// tokens are JWTs, as service account tokens are: what a request changes records the actor their
// claims name, as upstream's server reads them (the caller's in client mode, its own in server
// mode); bob's is an opaque token, which names nobody.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import type { Secret } from '../../src/model/meta.js';
import type { FakeUser } from '../helpers/fake-apiserver.js';
import { startS3rver } from '../helpers/s3rver.js';
import { until } from '../helpers/until.js';
import { cliWithHome, fixture, lines, repoRoot, type Cli, type CliResult } from './cli.js';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';

const EVERYTHING: FakeUser = {
  name: 'system:serviceaccount:argo:argo',
  rules: [{ verbs: ['*'], resources: ['*'] }],
};
const ALICE: FakeUser = {
  name: 'alice',
  rules: [
    {
      verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
      resources: ['workflows', 'workflowtemplates', 'cronworkflows'],
      apiGroups: ['argoproj.io'],
      namespaces: ['team-a'],
    },
    // Cluster-wide, as upstream's argo-aggregate-to-edit role grants them: submit checks templates.
    { verbs: ['get', 'list', 'watch'], resources: ['clusterworkflowtemplates'], apiGroups: ['argoproj.io'] },
    {
      verbs: ['get', 'list', 'watch'],
      resources: ['pods', 'pods/log'],
      apiGroups: [''],
      namespaces: ['team-a'],
    },
  ],
};
/** A token shaped as a Kubernetes service account token: a JWT with these claims (unsigned here). */
function jwt(claims: Record<string, string>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 'kubernetes/serviceaccount', ...claims })}.c2lnbmF0dXJl`;
}
const ADMIN_TOKEN = jwt({ sub: EVERYTHING.name });
const ALICE_TOKEN = jwt({ sub: 'alice', email: 'alice@example.com' });

const BOB: FakeUser = {
  name: 'bob',
  rules: [{ verbs: ['get'], resources: ['configmaps'], apiGroups: [''], namespaces: ['team-a'] }],
};

/** Known to the API server by name and password too (HTTP Basic), with alice's rights. */
const CAROL: FakeUser = { name: 'carol', rules: ALICE.rules, password: 'carol-secret' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface ServerProcess {
  port: number;
  child: ChildProcess;
  output: () => string;
}

let cluster: KubeCluster;
let cli: Cli;
let work: string;
const servers: ServerProcess[] = [];

/** `argo server --kubeconfig K --secure=false ...` on a free port; resolves once it listens. */
function startServer(args: string[]): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/argo.js'),
      'server',
      '--kubeconfig',
      cluster.kubeconfig,
      '-n',
      'argo',
      '--port',
      '0',
      '--secure=false',
      ...args,
    ],
    {
      env: {
        ...process.env,
        ARGO_LOCAL: '',
        ARGO_SERVER: '',
        KUBECONFIG: '',
        // Where an embedded engine would keep its state: a server on a cluster must not make it.
        ARGO_HOME: path.join(work, 'server-home'),
        NO_COLOR: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`argo server did not start:\n${output}`)), 20_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      const m = /msg="Argo Server started successfully" url=http:\/\/localhost:(\d+)/.exec(output);
      // Once: later output still matches, and the server is listed once.
      if (m && !servers.some((s) => s.child === child)) {
        clearTimeout(timer);
        const s = { port: Number(m[1]), child, output: () => output };
        servers.push(s);
        resolve(s);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`argo server exited with ${code}:\n${output}`));
    });
  });
}

/** The CLI through the Argo Server at `port`, with `token` (none when undefined), in team-a unless -n says otherwise. */
function through(port: number, token: string | undefined) {
  return (args: string[], timeoutMs = 30_000): Promise<CliResult> =>
    cli.run(['-n', 'team-a', ...args], {
      env: {
        ARGO_LOCAL: '',
        KUBECONFIG: '/dev/null',
        ARGO_SERVER: `localhost:${port}`,
        ARGO_SECURE: 'false',
        ARGO_TOKEN: token === undefined ? '' : `Bearer ${token}`,
      },
      timeoutMs,
    });
}

const stored = (name: string) => cluster.api.store.get<Workflow>('Workflow', 'team-a', name);

/** A workflow submitted through `argo`, once it waits at its suspend step. */
async function suspended(argo: ReturnType<typeof through>): Promise<string> {
  const sub = await argo(['submit', fixture('kube/suspend.yaml'), '-o', 'name']);
  expect(sub.stderr).toBe('');
  const name = sub.stdout.trim();
  await until('the workflow waiting at its suspend step', 30_000, async () => {
    const wf = await stored(name);
    return (
      Object.values(wf?.status?.nodes ?? {}).some(
        (n) => n.displayName === 'approve' && n.phase === 'Running',
      ) || undefined
    );
  });
  return name;
}

/** Runs `args(name)` through `argo` on a workflow waiting at its suspend step; the workflow once it ended. */
async function actOnSuspended(
  argo: ReturnType<typeof through>,
  args: (name: string) => string[],
): Promise<Workflow> {
  const name = await suspended(argo);
  const r = await argo(args(name));
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ended(name);
}

/** The workflow once it has ended. */
const ended = (name: string) =>
  until(`${name} to end`, 60_000, async () => {
    const wf = await stored(name);
    return wf?.status?.finishedAt ? wf : undefined;
  });

const approveNode = (wf: Workflow) =>
  Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === 'approve');

const creatorLabels = (obj: { metadata: { labels?: Record<string, string> } }) =>
  Object.fromEntries(
    Object.entries(obj.metadata.labels ?? {}).filter(([k]) => k.startsWith('workflows.argoproj.io/creator')),
  );

/** A workflow manifest that claims a creator of its own, which the caller's identity replaces. */
function forgedManifest(): string {
  const file = path.join(work, 'forged.yaml');
  writeFileSync(
    file,
    `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: forged-
  labels: {workflows.argoproj.io/creator: mallory, workflows.argoproj.io/creator-preferred-username: mal}
spec:
  entrypoint: main
  templates:
  - name: main
    suspend: {duration: '0'}
`,
  );
  return file;
}

const actorLabels = (wf: Workflow) =>
  Object.fromEntries(
    Object.entries(wf.metadata.labels ?? {}).filter(([k]) =>
      /^workflows\.argoproj\.io\/(actor|action)/.test(k),
    ),
  );

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-server-'));
  cluster = await startKubeCluster({
    users: { [ADMIN_TOKEN]: EVERYTHING, [ALICE_TOKEN]: ALICE, 'bob-token': BOB, 'carol-token': CAROL },
  });
  cli = cliWithHome();
});

afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  cli?.dispose();
  await cluster?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('argo server on a cluster', { timeout: 120_000 }, () => {
  it('--auth-mode client: alice lists, submits, waits and gets through the server with her own rights', async () => {
    const server = await startServer(['--auth-mode', 'client']);
    expect(server.output()).toMatch(/msg="Starting Argo Server" authModes=client namespace=argo /);
    expect(server.output()).toMatch(/kubeApiServer=http:\/\/127\.0\.0\.1:\d+/);
    const alice = through(server.port, ALICE_TOKEN);

    const empty = await alice(['list']);
    expect(empty.stderr).toBe('');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('No workflows found\n');

    const sub = await alice(['submit', fixture('kube/steps.yaml'), '--wait', '-o', 'name'], 60_000);
    expect(sub.stderr).toBe('');
    expect(sub.code).toBe(0);
    const name = sub.stdout.trim();
    const stored = await cluster.api.store.get<Workflow>('Workflow', 'team-a', name);
    expect(stored?.status?.phase).toBe('Succeeded');
    // The creator is the caller her token's claims name, as upstream's server labels it.
    expect(creatorLabels(stored!)).toEqual({
      'workflows.argoproj.io/creator': 'alice',
      'workflows.argoproj.io/creator-email': 'alice.at.example.com',
    });

    const got = await alice(['get', name]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^Status:\s+Succeeded$/m);
    const listed = await alice(['list', '-o', 'name']);
    expect(lines(listed.stdout)).toEqual([name]);

    // Each of alice's calls reached the API server as alice: the server used her token.
    const byAlice = cluster.api.requests.filter((r) => r.user === 'alice');
    expect(
      byAlice.some(
        (r) => r.method === 'POST' && r.path === '/apis/argoproj.io/v1alpha1/namespaces/team-a/workflows',
      ),
    ).toBe(true);
    expect(
      byAlice.some(
        (r) =>
          r.method === 'GET' && r.path === `/apis/argoproj.io/v1alpha1/namespaces/team-a/workflows/${name}`,
      ),
    ).toBe(true);

    // Outside team-a her rights end, and the Kubernetes API's words reach her.
    const elsewhere = await alice(['list', '-n', 'default']);
    expect(elsewhere.code).toBe(1);
    expect(lines(elsewhere.stderr)).toHaveLength(1);
    expect(elsewhere.stderr).toContain(
      'workflows.argoproj.io is forbidden: User "alice" cannot list resource "workflows" in API group "argoproj.io" in the namespace "default"',
    );
  });

  it("--auth-mode client: resume, stop and node set record the caller their token's claims name", async () => {
    const alice = through(servers[0].port, ALICE_TOKEN);
    const byAlice = {
      'workflows.argoproj.io/actor': 'alice',
      'workflows.argoproj.io/actor-email': 'alice.at.example.com',
    };
    const resumed = await actOnSuspended(alice, (name) => ['resume', name]);
    expect(resumed.status?.phase).toBe('Succeeded');
    expect(approveNode(resumed)?.message).toBe('Resumed by: map[Email:alice@example.com User:alice]');
    expect(actorLabels(resumed)).toEqual({ ...byAlice, 'workflows.argoproj.io/action': 'Resume' });

    const stopped = await actOnSuspended(alice, (name) => ['stop', name]);
    expect(actorLabels(stopped)).toEqual({ ...byAlice, 'workflows.argoproj.io/action': 'Stop' });

    // `node set` names no action, as upstream's records none for it: the actor only.
    const approve = [
      '--node-field-selector',
      'displayName=approve',
      '--phase',
      'Succeeded',
      '--message',
      'by hand',
    ];
    const set = await actOnSuspended(alice, (name) => ['node', 'set', name, ...approve]);
    expect(set.status?.phase).toBe('Succeeded');
    expect(approveNode(set)?.message).toBe('by hand');
    expect(actorLabels(set)).toEqual(byAlice);
    // What the tests after this one list is only theirs.
    for (const wf of [resumed, stopped, set])
      await cluster.api.store.delete('Workflow', 'team-a', wf.metadata.name!);
  });

  it('--auth-mode client: /metrics wants a bearer token, which (as upstream) only its form decides', async () => {
    const metrics = (headers: Record<string, string> = {}) =>
      fetch(`http://localhost:${servers[0].port}/metrics`, { headers });
    expect((await metrics()).status).toBe(403);
    // Upstream's gatekeeper makes clients for the token without calling the Kubernetes API.
    const any = await metrics({ authorization: 'Bearer no-such-token' });
    expect(any.status).toBe(200);
    expect(await any.text()).toMatch(/^grpc_server_handled_total\{/m);
    expect((await metrics({ authorization: `Bearer ${ALICE_TOKEN}` })).status).toBe(200);
  });

  it('--auth-mode client: bob gets 403 for what his role does not allow, a bad token 401, no token 401', async () => {
    const server = servers[0];
    const bob = through(server.port, 'bob-token');
    const listed = await bob(['list']);
    expect(listed.code).toBe(1);
    expect(lines(listed.stderr)).toHaveLength(1);
    expect(listed.stderr).toContain(
      'workflows.argoproj.io is forbidden: User "bob" cannot list resource "workflows" in API group "argoproj.io" in the namespace "team-a"',
    );
    const submitted = await bob(['submit', fixture('kube/steps.yaml')]);
    expect(submitted.code).toBe(1);
    expect(lines(submitted.stderr)).toHaveLength(1);
    expect(submitted.stderr).toMatch(
      /^Error: Failed to submit workflow: \S+ is forbidden: User "bob" cannot /,
    );
    const stranger = await through(server.port, 'no-such-token')(['list']);
    expect(stranger.code).toBe(1);
    expect(lines(stranger.stderr)).toHaveLength(1);
    expect(stranger.stderr).toMatch(/\bUnauthorized$/m);
    // The API server's address is the server's business, not the caller's.
    expect(stranger.stderr).not.toContain('127.0.0.1');
    const anonymous = await through(server.port, undefined)(['list']);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('token not valid');

    // The HTTP answers themselves, as grpc-gateway writes them.
    const base = `http://localhost:${server.port}/api/v1/workflows/team-a`;
    const as = (token: string) => fetch(base, { headers: { authorization: `Bearer ${token}` } });
    const forbidden = await as('bob-token');
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 7, message: expect.stringMatching(/is forbidden/) });
    const unauthorized = await as('no-such-token');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ code: 16, message: 'Unauthorized' });
  });

  it('--auth-mode client: Basic credentials reach the Kubernetes API as the caller, as upstream passes them on', async () => {
    const base = `http://localhost:${servers[0].port}/api/v1/workflows/team-a`;
    const as = (authorization: string, init: RequestInit = {}) =>
      fetch(base, { ...init, headers: { authorization, 'content-type': 'application/json' } });
    const before = cluster.api.requests.length;
    const listed = await as(basic('carol', 'carol-secret'));
    expect(listed.status).toBe(200);
    expect(cluster.api.requests.slice(before).some((r) => r.user === 'carol')).toBe(true);

    // What carol creates records her user name as its creator, as upstream's claims for a user name.
    const created = await as(basic('carol', 'carol-secret'), {
      method: 'POST',
      body: JSON.stringify({
        workflow: {
          metadata: { generateName: 'by-carol-' },
          spec: { entrypoint: 'main', templates: [{ name: 'main', suspend: { duration: '0' } }] },
        },
      }),
    });
    expect(created.status).toBe(200);
    const name = ((await created.json()) as Workflow).metadata.name!;
    expect(creatorLabels((await stored(name))!)).toEqual({ 'workflows.argoproj.io/creator': 'carol' });
    await cluster.api.store.delete('Workflow', 'team-a', name);

    // Her rights are the API server's to judge: outside team-a it refuses her.
    const elsewhere = await fetch(`http://localhost:${servers[0].port}/api/v1/workflows/default`, {
      headers: { authorization: basic('carol', 'carol-secret') },
    });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({
      code: 7,
      message: expect.stringContaining('User "carol" cannot list resource "workflows"'),
    });
    // A wrong password is the API server's 401; a Basic value that is no name:password is refused as one.
    for (const bad of [basic('carol', 'wrong'), basic('nobody', 'carol-secret'), 'Basic bm8tY29sb24=']) {
      const refused = await as(bad);
      expect(refused.status).toBe(401);
      expect(await refused.json()).toEqual({ code: 16, message: 'Unauthorized' });
    }
  });

  it("--auth-mode server: every caller acts with the server's own credentials", async () => {
    const server = await startServer(['--auth-mode', 'server']);
    expect(server.output()).toMatch(/You are running without client authentication/);
    const anyone = through(server.port, undefined);
    const listed = await anyone(['list', '-o', 'name']);
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(lines(listed.stdout)).toHaveLength(1);
    // bob's token is not client auth here (server mode alone): the server's rights apply.
    const sub = await through(server.port, 'bob-token')(
      ['submit', fixture('kube/steps.yaml'), '--wait', '-o', 'name'],
      60_000,
    );
    expect(sub.stderr).toBe('');
    expect(sub.code).toBe(0);
    const got = await anyone(['get', sub.stdout.trim(), '-o', 'json']);
    expect((JSON.parse(got.stdout) as Workflow).status?.phase).toBe('Succeeded');
    expect(creatorLabels(JSON.parse(got.stdout) as Workflow)).toEqual({
      'workflows.argoproj.io/creator': 'system-serviceaccount-argo-argo',
    });
  });

  it("--auth-mode server: a resume records the server's own service account, its token's subject", async () => {
    const anyone = through(servers[1].port, undefined);
    const name = await suspended(anyone);
    const resumed = await anyone(['resume', name]);
    expect(resumed.code).toBe(0);
    const wf = await ended(name);
    expect(approveNode(wf)?.message).toBe('Resumed by: map[User:system:serviceaccount:argo:argo]');
    expect(actorLabels(wf)).toEqual({
      'workflows.argoproj.io/actor': 'system-serviceaccount-argo-argo',
      'workflows.argoproj.io/action': 'Resume',
    });
    // No token is needed for /metrics when server mode lets every request through.
    expect((await fetch(`http://localhost:${servers[1].port}/metrics`)).status).toBe(200);
  });

  it('artifacts: the server reads an output artifact from S3 with the credentials of the Secret it names, with the caller’s rights in client mode', async () => {
    const s3 = await startS3rver(path.join(work, 's3'));
    try {
      await cluster.api.store.create<Secret>('Secret', {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'team-s3', namespace: 'team-a' },
        stringData: { accessKey: s3.accessKey, secretKey: s3.secretKey },
      });
      const manifest = path.join(work, 's3-output.yaml');
      writeFileSync(
        manifest,
        `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: s3-output-}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, "echo kept in s3 > /tmp/out.txt"]}
    outputs:
      artifacts:
      - name: out
        path: /tmp/out.txt
        archive: {none: {}}
        s3:
          endpoint: ${s3.endpoint}
          bucket: ${s3.bucket}
          insecure: true
          key: team-a/out.txt
          accessKeySecret: {name: team-s3, key: accessKey}
          secretKeySecret: {name: team-s3, key: secretKey}
`,
      );
      const server = servers[1];
      const sub = await through(server.port, undefined)(['submit', manifest, '--wait', '-o', 'name'], 60_000);
      expect(sub.stderr).toBe('');
      expect(sub.code).toBe(0);
      const name = sub.stdout.trim();
      const artifact = () => fetch(`http://localhost:${server.port}/artifacts/team-a/${name}/${name}/out`);
      const res = await artifact();
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('kept in s3\n');
      // In client mode the Secret is read with the caller's rights, as upstream's artifact server
      // reads it: alice may read the workflow but not the Secret, the administrator both.
      const asCaller = (token: string) =>
        fetch(`http://localhost:${servers[0].port}/artifacts/team-a/${name}/${name}/out`, {
          headers: { Authorization: `Bearer ${token}` },
        });
      const admin = await asCaller(ADMIN_TOKEN);
      expect(admin.status).toBe(200);
      expect(await admin.text()).toBe('kept in s3\n');
      const alice = await asCaller(ALICE_TOKEN);
      expect(alice.status).toBe(403);
      expect(await alice.text()).not.toContain('kept in s3');
      // The Secret's keys are what the server signs with: wrong ones and S3 refuses it.
      await cluster.api.store.patch('Secret', 'team-a', 'team-s3', {
        data: {
          accessKey: Buffer.from('nobody').toString('base64'),
          secretKey: Buffer.from('not-the-key').toString('base64'),
        },
        stringData: null,
      });
      const refused = await artifact();
      expect(refused.status).not.toBe(200);
      expect(await refused.text()).not.toContain('kept in s3');
    } finally {
      s3.stop();
    }
  });

  it('--namespaced --managed-namespace: serves that namespace only, though its own rights reach others', async () => {
    await cluster.api.store.create<Workflow>('Workflow', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'elsewhere', namespace: 'team-b' },
      spec: { entrypoint: 'main', templates: [{ name: 'main', suspend: {} }] },
    });
    const server = await startServer([
      '--auth-mode',
      'server',
      '--namespaced',
      '--managed-namespace',
      'team-a',
    ]);
    const api = async (p: string) => {
      const res = await fetch(`http://localhost:${server.port}${p}`);
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await api('/api/v1/info')).json.managedNamespace).toBe('team-a');
    const mine = await through(server.port, undefined)(['list', '-o', 'name']);
    expect(mine.code).toBe(0);
    expect(lines(mine.stdout).length).toBeGreaterThan(0);
    // Another namespace is refused as upstream's server refuses it, whatever its credentials allow.
    for (const p of ['/api/v1/workflows/team-b', '/api/v1/workflows/team-b/elsewhere']) {
      const r = await api(p);
      expect(r.status, p).toBe(403);
      expect(r.json.code, p).toBe(7);
    }
    // All namespaces means its own.
    const all = await api('/api/v1/workflows/');
    const namespaces = new Set(all.json.items.map((w: Workflow) => w.metadata.namespace));
    expect([...namespaces]).toEqual(['team-a']);
    server.child.kill('SIGTERM');
    await cluster.api.store.delete('Workflow', 'team-b', 'elsewhere');
  });

  it('creator labels: a manifest cannot name its own creator; templates and submit --from record the caller too', async () => {
    const alice = through(servers[0].port, ALICE_TOKEN);
    const byAlice = {
      'workflows.argoproj.io/creator': 'alice',
      'workflows.argoproj.io/creator-email': 'alice.at.example.com',
    };
    const forged = await alice(['submit', forgedManifest(), '-o', 'name']);
    expect(forged.stderr).toBe('');
    expect(creatorLabels((await stored(forged.stdout.trim()))!)).toEqual(byAlice);

    const templateFile = path.join(work, 'template.yaml');
    writeFileSync(
      templateFile,
      `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: by-alice}
spec:
  entrypoint: main
  templates:
  - name: main
    suspend: {duration: '0'}
`,
    );
    const created = await alice(['template', 'create', templateFile]);
    expect(created.stderr).toBe('');
    const template = (await cluster.api.store.list('WorkflowTemplate', { namespace: 'team-a' })).items[0];
    expect(creatorLabels(template)).toEqual(byAlice);
    const fromTemplate = await alice([
      'submit',
      '--from',
      `workflowtemplate/${template.metadata.name}`,
      '-o',
      'name',
    ]);
    expect(fromTemplate.stderr).toBe('');
    expect(creatorLabels((await stored(fromTemplate.stdout.trim()))!)).toEqual(byAlice);
  });
  it('updates of templates and cron workflows record the caller as actor with the action "Update", as upstream', async () => {
    const alice = through(servers[0].port, ALICE_TOKEN);
    const updatedByAlice = {
      'workflows.argoproj.io/actor': 'alice',
      'workflows.argoproj.io/actor-email': 'alice.at.example.com',
      'workflows.argoproj.io/action': 'Update',
    };
    const templateFile = path.join(work, 'updated-template.yaml');
    const template = (message: string) => `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata: {name: updated-by-alice}
spec:
  entrypoint: main
  templates:
  - name: main
    suspend: {duration: '0'}
    metadata: {annotations: {note: ${message}}}
`;
    writeFileSync(templateFile, template('first'));
    expect((await alice(['template', 'create', templateFile])).stderr).toBe('');
    const created = await cluster.api.store.get<Workflow>('WorkflowTemplate', 'team-a', 'updated-by-alice');
    // Creating is no update: no actor yet.
    expect(actorLabels(created!)).toEqual({});
    writeFileSync(templateFile, template('second'));
    const updated = await alice(['template', 'update', templateFile]);
    expect(updated.stderr).toBe('');
    expect(updated.code).toBe(0);
    const after = await cluster.api.store.get<Workflow>('WorkflowTemplate', 'team-a', 'updated-by-alice');
    expect(actorLabels(after!)).toEqual(updatedByAlice);

    const cronFile = path.join(work, 'updated-cron.yaml');
    const cron = (schedule: string) => `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata: {name: updated-cron}
spec:
  schedules: ["${schedule}"]
  suspend: true
  workflowSpec:
    entrypoint: main
    templates:
    - name: main
      suspend: {duration: '0'}
`;
    writeFileSync(cronFile, cron('0 1 * * *'));
    // Another caller through the same server: the actor is whoever's token the update came with.
    const admin = through(servers[0].port, ADMIN_TOKEN);
    expect((await admin(['cron', 'create', cronFile])).stderr).toBe('');
    writeFileSync(cronFile, cron('0 2 * * *'));
    const cronUpdated = await admin(['cron', 'update', cronFile]);
    expect(cronUpdated.stderr).toBe('');
    const storedCron = await cluster.api.store.get<Workflow>('CronWorkflow', 'team-a', 'updated-cron');
    expect(actorLabels(storedCron!)).toEqual({
      'workflows.argoproj.io/actor': 'system-serviceaccount-argo-argo',
      'workflows.argoproj.io/action': 'Update',
    });
    await cluster.api.store.delete('CronWorkflow', 'team-a', 'updated-cron');
    await cluster.api.store.delete('WorkflowTemplate', 'team-a', 'updated-by-alice');
  });
});

describe('the kube backend', { timeout: 60_000 }, () => {
  it("records the kubeconfig user's claims as the creator, as upstream's CLI in Kubernetes API mode", async () => {
    const kubeconfig = cluster.api.writeKubeconfig(work, {
      token: ALICE_TOKEN,
      namespace: 'team-a',
      file: 'alice',
    });
    const r = await cli.run(['submit', forgedManifest(), '-o', 'name'], {
      env: { ...cluster.env, KUBECONFIG: kubeconfig },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(creatorLabels((await stored(r.stdout.trim()))!)).toEqual({
      'workflows.argoproj.io/creator': 'alice',
      'workflows.argoproj.io/creator-email': 'alice.at.example.com',
    });
  });
});
