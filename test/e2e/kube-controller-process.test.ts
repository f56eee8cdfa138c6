// The cluster on one machine: the fake API server in this process, `argo kubelet` (the host
// runtime running the pods the API holds; pods/exec proxied to it) and `argo workflow-controller
// --kubeconfig` as processes of their own, and the CLI's kube backend. Covers what a controller Deployment must do: run workflows with
// pods in upstream's layout, resource templates in pods running `argoexec resource` against the
// API, retry and cron workflows, keep its caches true when the API server
// expires every resourceVersion mid-run (re-list on 410) and resume watches from BOOKMARKs, survive
// a kill -9 mid-workflow without running a step twice (restarted, or replaced by a standby; and
// the kubelet's kill -9: it adopts the pods' running containers), stop
// and terminate running workflows, and let two replicas share the work through a Lease (one leads,
// the other takes over when it dies, or at once when the leader is stopped with SIGTERM).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../src/model/meta.js';
import type { Pod } from '../../src/model/pod.js';
import type { Workflow } from '../../src/model/workflow.js';
import type { Lease } from '../../src/store/lease.js';
import { fileLines, until } from '../helpers/until.js';
import { cliWithHome, fixture, lines, repoRoot, type Cli, type CliResult } from './cli.js';
import { INJECTED_SIDECAR, startKubeCluster, type KubeCluster } from './kube-cluster.js';

const LEASE_MS = 3000;
const RETRY_MS = 300;
const BOOKMARK_MS = 200;

interface ControllerProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

let cluster: KubeCluster;
let cli: Cli;
let work: string;
const controllers: ControllerProcess[] = [];

const argo = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
  cli.run(args, { env: cluster.env, timeoutMs });

/** `argo workflow-controller --kubeconfig K -n argo ...` as its own process, identified as `identity`. */
function startController(identity: string, args: string[] = []): ControllerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ARGO_LOCAL: '',
    ARGO_SERVER: '',
    KUBECONFIG: '',
    // Where an embedded engine would keep its state: it must stay untouched.
    ARGO_HOME: path.join(work, `home-${identity}`),
    LEADER_ELECTION_IDENTITY: identity,
    LEADER_ELECTION_LEASE_DURATION: `${LEASE_MS}ms`,
    LEADER_ELECTION_RETRY_PERIOD: `${RETRY_MS}ms`,
    // Any free ports: several controllers run on this host at once.
    ARGO_TS_HEALTH_PORT: '0',
    ARGO_TS_METRICS_PORT: '0',
  };
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/argo.js'),
      'workflow-controller',
      '--kubeconfig',
      cluster.kubeconfig,
      '-n',
      'argo',
      ...args,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, output: () => out, exited };
  controllers.push(p);
  return p;
}

/** GET a path of one of the controller's endpoints, once it has logged the port. */
async function endpoint(c: ControllerProcess, which: 'health' | 'metrics', path: string) {
  const re =
    which === 'health'
      ? /msg="Starting health check server" port=(\d+)/
      : /msg="Starting prometheus metrics server" address=:(\d+)/;
  const port = await until(`the ${which} port`, 20_000, () => re.exec(c.output())?.[1]);
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

const leaseHolder = async (): Promise<string | undefined> =>
  (await cluster.api.store.get<Lease>('Lease', 'argo', 'workflow-controller'))?.spec?.holderIdentity;

const logged = (c: ControllerProcess, what: RegExp): Promise<true> =>
  until(`controller output matching ${what}:\n${c.output()}`, 20_000, () =>
    what.test(c.output()) ? true : undefined,
  );

/** A folder on the kubelet's host for one run, and the workflow manifest whose steps write there. */
function sharedRun(file = 'kube/steps-append.yaml'): { dir: string; manifest: string } {
  const dir = mkdtempSync(path.join(work, 'run-'));
  const manifest = path.join(dir, 'workflow.yaml');
  writeFileSync(manifest, readFileSync(fixture(file), 'utf8').replaceAll('SHARED_DIR', dir));
  return { dir, manifest };
}

const WORKFLOWS = '/apis/argoproj.io/v1alpha1/workflows';

async function podsOf(workflow: string): Promise<Pod[]> {
  return (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items.filter(
    (p) => p.metadata.labels?.['workflows.argoproj.io/workflow'] === workflow,
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-ctrl-'));
  cluster = await startKubeCluster({ controller: false, bookmarkIntervalMs: BOOKMARK_MS });
  cli = cliWithHome();
});

afterAll(async () => {
  for (const c of controllers) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  await Promise.all(controllers.map((c) => c.exited));
  await cli?.dispose();
  await cluster?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('argo workflow-controller on a cluster', { timeout: 120_000 }, () => {
  let first: ControllerProcess;
  let second: ControllerProcess;

  it('starts against the API, says so as upstream does, and takes the workflow-controller Lease', async () => {
    first = startController('ctrl-a', ['--executor-image', 'example.com/argoexec:flag']);
    await logged(first, /msg="Workflow Controller" /);
    const out = first.output();
    expect(out).toMatch(/level=INFO msg="Starting Workflow Controller" version=v\S+/);
    expect(out).toMatch(
      /msg="Workflow Controller" .*executorImage=example\.com\/argoexec:flag namespace=argo/,
    );
    expect(out).toMatch(/msg="started leading" id=ctrl-a/);
    expect(out).toMatch(/msg="attempting to acquire leader lease argo\/workflow-controller\.\.\."/);
    expect(await leaseHolder()).toBe('ctrl-a');
    // It runs no engine of its own: nothing was made in the embedded engine's home.
    expect(existsSync(path.join(work, 'home-ctrl-a'))).toBe(false);
    // The liveness probe's endpoint and Prometheus metrics under upstream's names.
    // Not ready while its controllers start; then ready.
    await until(
      'the controller healthy',
      20_000,
      async () => (await endpoint(first, 'health', '/healthz')).status === 200 || undefined,
    );
    expect(await endpoint(first, 'health', '/healthz')).toEqual({ status: 200, text: 'ok\n' });
    const metrics = (await endpoint(first, 'metrics', '/metrics')).text;
    expect(metrics).toMatch(/^argo_workflows_is_leader 1$/m);
    expect(metrics).toMatch(/^argo_workflows_gauge\{status="Running"\} 0$/m);
    // Upstream's label names: a workflow's phase is "status" on this gauge, a pod's "phase" on its own.
    expect(metrics).not.toMatch(/^argo_workflows_gauge\{phase=/m);
    expect(metrics).toMatch(/^argo_workflows_pods_gauge\{phase="Pending"\} \d+$/m);
    expect(metrics).toMatch(/^argo_workflows_queue_depth_gauge\{queue_name="workflow_queue"\} \d+$/m);
  });

  it('runs a steps workflow submitted with --wait, in pods of the argoexec layout; get and logs work', async () => {
    const { dir, manifest } = sharedRun();
    writeFileSync(path.join(dir, 'gate'), '');
    const r = await argo(['submit', manifest, '--wait', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first', 'second', 'third']);
    const pods = await podsOf(name);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.spec?.initContainers?.map((c) => [c.name, c.image])).toEqual([
        ['init', 'example.com/argoexec:flag'],
      ]);
      expect(pod.spec?.containers.map((c) => c.name)).toEqual(['wait', 'main']);
    }
    const got = await argo(['get', name]);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^Status:\s+Succeeded$/m);
    expect(got.stdout).toMatch(/✔ third\s+append\s+kube-append-/);
    const logs = await argo(['logs', name]);
    expect(logs.code).toBe(0);
    // The emissary's own lines (argo=true) are in main's log too, as upstream's show.
    const said = lines(logs.stdout).map((l) => l.replace(/^[^:]+: /, ''));
    expect(said.filter((l) => !/ argo=true /.test(l))).toEqual([
      'appended first',
      'appended second',
      'appended third',
    ]);
    const metrics = (await endpoint(first, 'metrics', '/metrics')).text;
    expect(metrics).toMatch(/^argo_workflows_gauge\{status="Succeeded"\} 1$/m);
    expect(metrics).toMatch(/^argo_workflows_pods_gauge\{phase="Succeeded"\} 3$/m);
  });

  it('sidecars that never exit end once main is done: the controller signals each running container through pods/exec', async () => {
    const r = await argo(['submit', fixture('kube/sidecar-forever.yaml'), '--wait', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
    expect(wf?.status?.phase).toBe('Succeeded');
    const [pod] = await podsOf(name);
    const podName = pod.metadata.name ?? '';
    // The injected container is in no template and has no emissary: only the controller's exec ends it.
    const injected = pod.status?.containerStatuses?.find((c) => c.name === INJECTED_SIDECAR);
    expect(injected?.state?.terminated?.exitCode).toBe(143);
    const execs = cluster.api.requests.filter(
      (q) => q.path === `/api/v1/namespaces/default/pods/${podName}/exec`,
    );
    const signalled = (container: string) => execs.filter((q) => q.query.container === container);
    // Upstream's command for a container without argoexec: a shell's kill of its PID 1.
    expect(signalled(INJECTED_SIDECAR).map((q) => q.query.command)).toContain('kill -15 1');
    // Containers already done are not signalled.
    expect(signalled('main')).toEqual([]);
  });

  it('resource templates: a pod running argoexec resource creates a ConfigMap, waits for its condition and reports outputs', async () => {
    const r = await argo(['submit', fixture('kube/resource-configmap.yaml'), '--wait', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
    expect(wf?.status?.phase).toBe('Succeeded');
    // The object is the cluster's, owned by the workflow (the controller set the reference).
    const cm = await cluster.api.store.get<ConfigMap>('ConfigMap', 'default', `${name}-cm`);
    expect(cm?.data).toEqual({ colour: 'red' });
    expect(cm?.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Workflow', name, uid: wf?.metadata.uid, controller: true }),
    ]);
    // Its outputs came back through the node's WorkflowTaskResult and reached the next step.
    const make = Object.values(wf?.status?.nodes ?? {}).find((n) => n.displayName === 'make');
    expect(make?.outputs?.parameters?.map((p) => [p.name, p.value])).toEqual([
      ['colour', 'red'],
      ['name', `${name}-cm`],
    ]);
    const logs = await argo(['logs', name]);
    const said = lines(logs.stdout).filter((l) => !/ argo=true /.test(l));
    expect(said.some((l) => l.endsWith(`${name}-cm is red`))).toBe(true);
    // The pod was upstream's for a resource template: init, then argoexec resource as main.
    const pod = (await podsOf(name)).find(
      (p) => p.metadata.annotations?.['workflows.argoproj.io/node-name'] === `${name}[0].make`,
    );
    expect(pod?.spec?.initContainers?.map((c) => c.name)).toEqual(['init']);
    expect(pod?.spec?.containers.map((c) => c.name)).toEqual(['main']);
    expect(pod?.spec?.containers[0].command).toContain('resource');
  });

  it('resource templates: a failure condition that holds fails the step, naming the condition', async () => {
    const r = await argo(['submit', fixture('kube/resource-fails.yaml'), '--wait', '-o', 'name']);
    const name = r.stdout.trim();
    expect(r.code).toBe(1);
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
    expect(wf?.status?.phase).toBe('Failed');
    const node = Object.values(wf?.status?.nodes ?? {}).find((n) => n.displayName === name);
    // As upstream reports a main container's failure: its name, exit, and termination message.
    expect(node?.message).toBe(
      "main: Error (exit code 64): failure condition 'data.state in (broken,gone)' evaluated true",
    );
    expect(wf?.status?.message).toBe(node?.message);
  });

  it('retry: a failed workflow retried after the fix reruns only the failed step and succeeds', async () => {
    const { dir, manifest } = sharedRun('kube/retry-fixed.yaml');
    const failed = await argo(['submit', manifest, '--wait', '-o', 'name']);
    const name = failed.stdout.trim();
    expect((await cluster.api.store.get<Workflow>('Workflow', 'default', name))?.status?.phase).toBe(
      'Failed',
    );
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['ok', 'flaky']);

    writeFileSync(path.join(dir, 'fixed'), '');
    const retried = await argo(['retry', name, '--wait']);
    expect(retried.stderr).toBe('');
    expect(retried.code).toBe(0);
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
    expect(wf?.status?.phase).toBe('Succeeded');
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['ok', 'flaky', 'flaky']);
    // The failed step's old pod was deleted and made again; the step that succeeded kept its own.
    const pods = await podsOf(name);
    expect(pods.map((p) => p.metadata.annotations?.['workflows.argoproj.io/node-name']).sort()).toEqual([
      `${name}[0].ok`,
      `${name}[1].flaky`,
    ]);
  });

  it('cron: the cluster cron controller runs a cron workflow on its schedule until it is deleted', async () => {
    const created = await argo(['cron', 'create', fixture('kube/cron-every-2s.yaml')]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const ran = await until(
      'a scheduled workflow that succeeded',
      30_000,
      async () => {
        const wfs = await cluster.api.store.list<Workflow>('Workflow', {
          namespace: 'default',
          labelSelector: 'workflows.argoproj.io/cron-workflow=every-2s',
        });
        return wfs.items.find((w) => w.status?.phase === 'Succeeded');
      },
      250,
    );
    const scheduled = ran.metadata.annotations?.['workflows.argoproj.io/scheduled-time'] ?? '';
    expect(Date.parse(scheduled)).toBeGreaterThan(0);
    const logs = await argo(['logs', ran.metadata.name!]);
    expect(logs.stdout).toContain(`scheduled at ${scheduled}`);
    const got = await argo(['cron', 'get', 'every-2s', '-o', 'json']);
    expect(JSON.parse(got.stdout).status.lastScheduledTime).toBeTruthy();
    const deleted = await argo(['cron', 'delete', 'every-2s']);
    expect(deleted.code).toBe(0);
    // Kubernetes' garbage collector is not in this cluster: the test removes what it owned.
    for (const w of (await cluster.api.store.list<Workflow>('Workflow', { namespace: 'default' })).items)
      if (w.metadata.labels?.['workflows.argoproj.io/cron-workflow'] === 'every-2s')
        await cluster.api.store.delete('Workflow', 'default', w.metadata.name!);
  });

  it('watches resume from BOOKMARKs: changes the controller does not watch move its version on, no re-list', async () => {
    const mark = cluster.api.requests.length;
    // Many versions pass without a Workflow change.
    let last = '';
    for (let i = 0; i < 5; i++) {
      const cm = await cluster.api.store.create<ConfigMap>('ConfigMap', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `unrelated-${i}`, namespace: 'elsewhere' },
      });
      last = cm.metadata.resourceVersion!;
    }
    // Each time the streams end, the controller reconnects; once a BOOKMARK reached it, it
    // reconnects from that version rather than from its last Workflow event. The streams are
    // ended only after they have lived long enough to be sent one (reconnects wait 1 s when
    // the last stream was short).
    let ended = Date.now();
    await until(
      'a workflow watch resumed from a bookmarked version',
      20_000,
      () => {
        const resumed = cluster.api.requests
          .slice(mark)
          .some(
            (r) =>
              r.path === WORKFLOWS &&
              r.query.watch === 'true' &&
              Number(r.query.resourceVersion) >= Number(last),
          );
        if (!resumed && Date.now() - ended > 1500 + 2 * BOOKMARK_MS) {
          cluster.api.endWatches();
          ended = Date.now();
        }
        return resumed || undefined;
      },
      BOOKMARK_MS,
    );
    const lists = cluster.api.requests
      .slice(mark)
      .filter((r) => r.path === WORKFLOWS && r.query.watch !== 'true');
    expect(lists).toEqual([]);
  });

  it('410 Gone mid-run: every version expires while a step runs; the controller re-lists and the workflow finishes', async () => {
    const { dir, manifest } = sharedRun();
    const submitted = argo(['submit', manifest, '--wait', '-o', 'name'], 90_000);
    await until('the second step running', 30_000, async () => {
      const pods = (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items;
      return pods.find(
        (p) =>
          p.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.second') &&
          p.status?.phase === 'Running' &&
          p.metadata.name?.startsWith('kube-append-'),
      );
    });
    const mark = cluster.api.requests.length;
    const before = first.output().length;
    await cluster.api.expireWatches();
    await until(
      'the controller re-listing after 410',
      10_000,
      () =>
        /watch Workflow ended \(too old resource version.*\); re-listing/.test(
          first.output().slice(before),
        ) || undefined,
    );
    // It re-listed Workflows after the expiry.
    await until(
      'a re-list of workflows',
      10_000,
      () =>
        cluster.api.requests.slice(mark).some((r) => r.path === WORKFLOWS && r.query.watch !== 'true') ||
        undefined,
    );
    writeFileSync(path.join(dir, 'gate'), '');
    const r = await submitted;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', r.stdout.trim());
    expect(wf?.status?.phase).toBe('Succeeded');
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first', 'second', 'third']);
  });

  it("ConfigMap reload and instanceID: the leader takes a new configuration without a restart, then runs only its instance's workflows", async () => {
    const before = first.output().length;
    await cluster.api.store.create<ConfigMap>('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'workflow-controller-configmap', namespace: 'argo' },
      data: { instanceID: 'team-1' },
    });
    await until(
      'the reload with instanceID team-1',
      20_000,
      () =>
        /reloading the configuration[\s\S]*msg="Workflow Controller" .*instanceID=team-1/.test(
          first.output().slice(before),
        ) || undefined,
    );
    const other = await argo(['submit', fixture('kube/steps.yaml'), '-o', 'name']);
    expect(other.code).toBe(0);
    const mine = await argo([
      'submit',
      fixture('kube/steps.yaml'),
      '--instanceid',
      'team-1',
      '--wait',
      '-o',
      'name',
    ]);
    expect(mine.stderr).toBe('');
    expect(mine.code).toBe(0);
    const ran = await cluster.api.store.get<Workflow>('Workflow', 'default', mine.stdout.trim());
    expect(ran?.metadata.labels?.['workflows.argoproj.io/controller-instanceid']).toBe('team-1');
    expect(ran?.status?.phase).toBe('Succeeded');
    // Submitted first, yet never touched: it has no instance label.
    const left = await cluster.api.store.get<Workflow>('Workflow', 'default', other.stdout.trim());
    expect(left?.status?.phase).toBeUndefined();

    // Without an instanceID again, the unlabelled workflow is the controller's and runs.
    await cluster.api.store.delete('ConfigMap', 'argo', 'workflow-controller-configmap');
    const done = await until(
      'the unlabelled workflow to succeed',
      60_000,
      async () => {
        const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', other.stdout.trim());
        return wf?.status?.phase === 'Succeeded' ? wf : undefined;
      },
      250,
    );
    expect(done.metadata.labels?.['workflows.argoproj.io/controller-instanceid']).toBeUndefined();
  });

  it('a second replica waits; killed -9 mid-workflow, the leader is replaced within the lease and no step runs twice', async () => {
    // The second replica reads its executor image from its own ConfigMap.
    await cluster.api.store.create<ConfigMap>('ConfigMap', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'my-controller-config', namespace: 'argo' },
      data: { executor: 'image: example.com/argoexec:configmap\n' },
    });
    second = startController('ctrl-b', ['--configmap', 'my-controller-config']);
    await logged(second, /msg="new leader" leader=ctrl-a/);
    expect(second.output()).not.toMatch(/started leading/);
    // A standby is alive and says it does not lead.
    expect((await endpoint(second, 'health', '/healthz')).status).toBe(200);
    expect((await endpoint(second, 'metrics', '/metrics')).text).toMatch(/^argo_workflows_is_leader 0$/m);

    const { dir, manifest } = sharedRun();
    const submitted = argo(['submit', manifest, '--wait', '-o', 'name'], 90_000);
    // The second step is running (waiting on its gate) when the leader dies.
    const running = await until('the second step running', 30_000, async () => {
      const wfs = (await cluster.api.store.list<Workflow>('Workflow', { namespace: 'default' })).items;
      for (const wf of wfs) {
        const pods = await podsOf(wf.metadata.name!);
        const pod = pods.find((p) =>
          p.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.second'),
        );
        if (pod?.status?.phase === 'Running') return wf.metadata.name!;
      }
      return undefined;
    });
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first']);
    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    await logged(second, /msg="started leading" id=ctrl-b/);
    // The lease expires LEASE_MS after the dead leader's last renew; the standby retries every RETRY_MS.
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS + RETRY_MS + 1500);
    expect(await leaseHolder()).toBe('ctrl-b');

    writeFileSync(path.join(dir, 'gate'), '');
    const r = await submitted;
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(running);
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first', 'second', 'third']);
    const pods = await podsOf(running);
    expect(pods).toHaveLength(3);
    // The pod made after the takeover carries the new leader's executor image.
    const third = pods.find((p) =>
      p.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.third'),
    );
    expect(third?.spec?.initContainers?.[0].image).toBe('example.com/argoexec:configmap');
    const got = await argo(['get', running, '-o', 'json']);
    expect((JSON.parse(got.stdout) as Workflow).status?.phase).toBe('Succeeded');
  });

  it('stop runs the exit handler and terminate does not; each ends the running step and fails the workflow', async () => {
    const cases = [
      { command: 'stop', said: 'stopped', strategy: 'Stop', ran: ['exit'] },
      { command: 'terminate', said: 'terminated', strategy: 'Terminate', ran: [] },
    ];
    for (const c of cases) {
      const { dir } = sharedRun('kube/gated-exit.yaml');
      const manifest = path.join(dir, 'workflow.yaml');
      const sub = await argo(['submit', manifest, '-o', 'name']);
      expect(sub.code).toBe(0);
      const name = sub.stdout.trim();
      await until(
        `the step of ${name} running`,
        30_000,
        async () => (await podsOf(name)).some((p) => p.status?.phase === 'Running') || undefined,
      );
      const r = await argo([c.command, name]);
      expect(r.stderr).toBe('');
      expect(lines(r.stdout)).toEqual([`workflow ${name} ${c.said}`]);
      expect((await argo(['wait', name])).code).toBe(1);
      const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', name);
      expect(wf?.status?.phase).toBe('Failed');
      expect(wf?.status?.message).toBe(`Stopped with strategy '${c.strategy}'`);
      const step = Object.values(wf?.status?.nodes ?? {}).find((n) => n.displayName === name);
      expect(step?.phase).toBe('Failed');
      // The gate never opened: the step was ended, not let finish; only Stop ran the exit handler.
      expect(fileLines(path.join(dir, 'ran'))).toEqual(c.ran);
    }
  });

  it('SIGTERM: the leader finishes, releases the Lease and exits 0; a standby takes over at once, not after the lease', async () => {
    const leader = second;
    const standby = startController('ctrl-d');
    await logged(standby, /msg="new leader" leader=ctrl-b/);
    leader.child.kill('SIGTERM');
    expect(await leader.exited).toBe(0);
    const exitedAt = Date.now();
    expect(leader.output()).toMatch(/msg="stopping: SIGTERM"/);
    await logged(standby, /msg="started leading" id=ctrl-d/);
    // Released, the Lease is free at the standby's next retry; kept, it would be free only
    // LEASE_MS after the leader's last renew (at most RETRY_MS before it exited).
    expect(Date.now() - exitedAt).toBeLessThan(LEASE_MS - RETRY_MS - 1000);
    expect(await leaseHolder()).toBe('ctrl-d');
    standby.child.kill('SIGTERM');
    expect(await standby.exited).toBe(0);
    expect(await leaseHolder()).toBeUndefined();
  });

  it('killed -9 mid-workflow with no standby, the restarted controller adopts the running pod and runs no step twice', async () => {
    const alone = startController('ctrl-e');
    await logged(alone, /msg="started leading" id=ctrl-e/);
    const { dir, manifest } = sharedRun();
    const submitted = argo(['submit', manifest, '--wait', '-o', 'name'], 90_000);
    const running = await until('the second step running', 30_000, async () => {
      for (const wf of (await cluster.api.store.list<Workflow>('Workflow', { namespace: 'default' })).items) {
        if (wf.status?.phase !== 'Running') continue;
        const pod = (await podsOf(wf.metadata.name!)).find((p) =>
          p.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.second'),
        );
        if (pod?.status?.phase === 'Running') return pod;
      }
      return undefined;
    });
    alone.child.kill('SIGKILL');
    await alone.exited;
    // The step finishes while no controller runs: its pod (the kubelet's) carries on.
    writeFileSync(path.join(dir, 'gate'), '');
    await until(
      'the second step done without a controller',
      30_000,
      () => fileLines(path.join(dir, 'ran')).length === 2 || undefined,
    );
    const restarted = startController('ctrl-e');
    const r = await submitted;
    expect(r.code).toBe(0);
    expect(await leaseHolder()).toBe('ctrl-e');
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first', 'second', 'third']);
    const pods = await podsOf(r.stdout.trim());
    expect(pods).toHaveLength(3);
    // The second step's pod is the one that ran before the kill, not one made again.
    const second = pods.find((p) => p.metadata.name === running.metadata.name);
    expect(second?.metadata.uid).toBe(running.metadata.uid);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  });

  it('the kubelet killed -9 while main runs: the restarted kubelet adopts the argoexec-layout pod, its step runs once, its log is whole', async () => {
    const ctrl = startController('ctrl-f');
    await logged(ctrl, /msg="started leading" id=ctrl-f/);
    const { dir, manifest } = sharedRun('kube/started-then-gated.yaml');
    const submitted = argo(['submit', manifest, '--wait', '-o', 'name'], 90_000);
    // The step has started (its line is in) and waits for the gate when the kubelet dies.
    await until('the step started', 30_000, () => fileLines(path.join(dir, 'ran')).length === 1 || undefined);
    const running = await until('its pod reported running', 30_000, async () =>
      (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items.find(
        (p) =>
          p.metadata.name?.startsWith('kube-started-') &&
          p.status?.containerStatuses?.find((c) => c.name === 'main')?.state?.running,
      ),
    );
    const mainStatus = (p: Pod | undefined) => p?.status?.containerStatuses?.find((c) => c.name === 'main');
    const before = cluster.kubelet.pid();
    await cluster.kubelet.kill9();
    await cluster.kubelet.restart();
    expect(cluster.kubelet.pid()).not.toBe(before);
    // The new kubelet waits on the main container the dead one started; it runs on past the gate.
    writeFileSync(path.join(dir, 'gate'), '');
    const r = await submitted;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    expect((await cluster.api.store.get<Workflow>('Workflow', 'default', name))?.status?.phase).toBe(
      'Succeeded',
    );
    // Started once: one line.
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['started']);
    const pods = await podsOf(name);
    expect(pods).toHaveLength(1);
    expect(pods[0].metadata.uid).toBe(running.metadata.uid);
    expect(pods[0].status?.phase).toBe('Succeeded');
    expect(mainStatus(pods[0])?.state?.terminated?.exitCode).toBe(0);
    // Its start is the one the dead kubelet made.
    expect(mainStatus(pods[0])?.state?.terminated?.startedAt).toBe(
      mainStatus(running)?.state?.running?.startedAt,
    );
    // Main's log, written partly before the kill and partly after, is whole.
    const logs = await argo(['logs', name]);
    expect(logs.code).toBe(0);
    const said = lines(logs.stdout).map((l) => l.replace(/^[^:]+: /, ''));
    expect(said.filter((l) => !/ argo=true /.test(l))).toEqual(['before the gate', 'after the gate']);
    ctrl.child.kill('SIGTERM');
    expect(await ctrl.exited).toBe(0);
  });

  it('--namespaced --managed-namespace: a controller that runs only the workflows of that namespace', async () => {
    const scoped = startController('ctrl-c', ['--namespaced', '--managed-namespace', 'team-x']);
    await logged(scoped, /msg="Workflow Controller" .*managedNamespace=team-x/);
    const elsewhere = await argo(['submit', fixture('kube/steps.yaml'), '-n', 'default', '-o', 'name']);
    expect(elsewhere.code).toBe(0);
    const mine = await argo(['submit', fixture('kube/steps.yaml'), '-n', 'team-x', '--wait', '-o', 'name']);
    expect(mine.code).toBe(0);
    const ran = await cluster.api.store.get<Workflow>('Workflow', 'team-x', mine.stdout.trim());
    expect(ran?.status?.phase).toBe('Succeeded');
    // Submitted first, yet never touched: it is not in the managed namespace.
    const left = await cluster.api.store.get<Workflow>('Workflow', 'default', elsewhere.stdout.trim());
    expect(left?.status?.phase).toBeUndefined();
    scoped.child.kill('SIGTERM');
    expect(await scoped.exited).toBe(0);
  });
});
