// `argo kubelet`, the host runtime as a node's kubelet in a process of its own, in the cluster on
// one machine (the fake API server, our controller, the CLI's kube backend): it registers its node
// Lease naming its pods/exec endpoint, runs the pods, and when killed with SIGKILL mid-workflow
// its pods run on and the kubelet started again adopts them, as a node's containers outlive a
// kubelet crash: the workflow finishes and no step runs twice. Bad flags get one line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { hostname } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/pod.js';
import type { Workflow } from '../../src/model/workflow.js';
import {
  ANNOTATION_KUBELET_ENDPOINT,
  NODE_LEASE_NAMESPACE,
} from '../../src/server/kube-api/kubelet-proxy.js';
import type { Lease } from '../../src/store/lease.js';
import { fileLines, until } from '../helpers/until.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';

let cluster: KubeCluster;
let cli: Cli;
let work: string;
const argo = (args: string[], timeoutMs = 30_000): Promise<CliResult> =>
  cli.run(args, { env: cluster.env, timeoutMs });

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'argo-kubelet-'));
  cluster = await startKubeCluster();
  cli = cliWithHome();
});
afterAll(async () => {
  await cli?.dispose();
  await cluster?.close();
  rmSync(work, { recursive: true, force: true });
});

const nodeLease = (): Promise<Lease | undefined> =>
  cluster.api.store.get<Lease>('Lease', NODE_LEASE_NAMESPACE, hostname());

describe('argo kubelet as its own process', { timeout: 120_000 }, () => {
  it('registers its node (this host, where its pods are bound) with a Lease naming the exec endpoint it logged', async () => {
    const logged = /exec="(http:\/\/127\.0\.0\.1:\d+)"/.exec(cluster.kubelet.output())?.[1];
    expect(logged).toBeDefined();
    const lease = await nodeLease();
    expect(lease?.spec?.holderIdentity).toBe(hostname());
    expect(lease?.metadata.annotations?.[ANNOTATION_KUBELET_ENDPOINT]).toBe(logged);
    // Its own endpoint refuses what is not an exec, and an exec in a pod it does not run.
    expect((await fetch(`${logged}/healthz`)).status).toBe(404);
    const res = await fetch(`${logged}/exec/default/no-such-pod/main?command=kill&command=-15&command=1`);
    expect(res.status).toBe(500);
  });

  it('killed -9 mid-workflow: its pod runs on, the kubelet started again adopts it, no step runs twice', async () => {
    const dir = mkdtempSync(path.join(work, 'run-'));
    const manifest = path.join(dir, 'workflow.yaml');
    writeFileSync(
      manifest,
      readFileSync(fixture('kube/steps-append.yaml'), 'utf8').replaceAll('SHARED_DIR', dir),
    );
    const submitted = argo(['submit', manifest, '--wait', '-o', 'name'], 90_000);
    const running = await until('the second step running', 30_000, async () => {
      const pods = (await cluster.api.store.list<Pod>('Pod', { namespace: 'default' })).items;
      return pods.find(
        (p) =>
          p.metadata.annotations?.['workflows.argoproj.io/node-name']?.endsWith('.second') &&
          p.status?.phase === 'Running',
      );
    });
    const before = cluster.kubelet.pid();
    await cluster.kubelet.kill9();
    // The step's processes outlive the kubelet: it finishes with no kubelet running.
    writeFileSync(path.join(dir, 'gate'), '');
    await until('the second step done without a kubelet', 30_000, () =>
      fileLines(path.join(dir, 'ran')).length === 2 ? true : undefined,
    );
    await cluster.kubelet.restart();
    expect(cluster.kubelet.pid()).not.toBe(before);
    const r = await submitted;
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    expect((await cluster.api.store.get<Workflow>('Workflow', 'default', name))?.status?.phase).toBe(
      'Succeeded',
    );
    expect(fileLines(path.join(dir, 'ran'))).toEqual(['first', 'second', 'third']);
    // The pod the dead kubelet ran is the one that finished, not one made again.
    const second = await cluster.api.store.get<Pod>('Pod', 'default', running.metadata.name!);
    expect(second?.metadata.uid).toBe(running.metadata.uid);
    expect(second?.status?.phase).toBe('Succeeded');
    // Its log, written partly before the kill and partly after, is whole.
    const logs = await argo(['logs', name]);
    expect(lines(logs.stdout).map((l) => l.replace(/^[^:]+: /, ''))).toEqual([
      'appended first',
      'appended second',
      'appended third',
    ]);
    // The new kubelet renewed the node Lease with its own endpoint.
    const endpoints = [...cluster.kubelet.output().matchAll(/exec="(http:[^"]+)"/g)].map((m) => m[1]);
    expect(endpoints).toHaveLength(2);
    expect((await nodeLease())?.metadata.annotations?.[ANNOTATION_KUBELET_ENDPOINT]).toBe(endpoints[1]);
  });

  it('a bad flag or no API to reach: one line naming it, exit 1', async () => {
    const port = await cli.run(['kubelet', '--home', work, '--port', 'many'], { env: cluster.env });
    expect(port.code).toBe(1);
    expect(lines(port.stderr)).toEqual([
      'Error: invalid argument "many" for "--port" flag: not a whole number up to 65535',
    ]);
    const missing = await cli.run(
      ['kubelet', '--home', work, '--kubeconfig', path.join(work, 'absent-kubeconfig')],
      { env: cluster.env },
    );
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toMatch(/absent-kubeconfig/);
  });
});
