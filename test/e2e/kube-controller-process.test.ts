// The cluster on one machine: the fake API server and a kubelet (the host runtime running the pods
// the API holds) in this process, `argo workflow-controller --kubeconfig` as processes of their
// own, and the CLI's kube backend. Covers what a controller Deployment must do: run workflows with
// pods in upstream's layout, survive a kill -9 mid-workflow without running a step twice, and let
// two replicas share the work through a Lease (one leads, the other takes over when it dies).
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
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';

const LEASE_MS = 3000;
const RETRY_MS = 300;

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

const leaseHolder = async (): Promise<string | undefined> =>
  (await cluster.api.store.get<Lease>('Lease', 'argo', 'workflow-controller'))?.spec?.holderIdentity;

const logged = (c: ControllerProcess, what: RegExp): Promise<true> =>
  until(`controller output matching ${what}:\n${c.output()}`, 20_000, () =>
    what.test(c.output()) ? true : undefined,
  );

/** A folder on the kubelet's host for one run, and the workflow manifest whose steps write there. */
function sharedRun(): { dir: string; manifest: string } {
  const dir = mkdtempSync(path.join(work, 'run-'));
  const manifest = path.join(dir, 'workflow.yaml');
  writeFileSync(
    manifest,
    readFileSync(fixture('kube/steps-append.yaml'), 'utf8').replaceAll('SHARED_DIR', dir),
  );
  return { dir, manifest };
}

async function podsOf(workflow: string): Promise<Pod[]> {
  return (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items.filter(
    (p) => p.metadata.labels?.['workflows.argoproj.io/workflow'] === workflow,
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-ctrl-'));
  cluster = await startKubeCluster({ controller: false });
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

  it('SIGTERM: the leader stops, releases the Lease and exits 0', async () => {
    const leader = second;
    leader.child.kill('SIGTERM');
    expect(await leader.exited).toBe(0);
    expect(leader.output()).toMatch(/msg="stopping: SIGTERM"/);
    expect(await leaseHolder()).toBeUndefined();
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
