// The CLI in Kubernetes API mode: KUBECONFIG points at the fake API server, the CLI only reads and
// writes resources there, and the workflow controller "in the cluster" (this test process, over a
// KubeStore) runs the workflows. Nothing runs or is kept on the CLI's side.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';
import { openKubeStore } from '../../src/store/kube/index.js';
import { startKubeCluster, type KubeCluster } from './kube-cluster.js';

let cluster: KubeCluster;
let cli: Cli;
const argo = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> =>
  cli.run(args, { env: { ...cluster.env, ...env }, timeoutMs: 30_000 });

beforeAll(async () => {
  cluster = await startKubeCluster();
  cli = cliWithHome();
});
afterAll(async () => {
  await cli?.dispose();
  await cluster?.close();
});

/** Exactly one line on stderr, as Argo reports a fatal error. */
function oneErrorLine(r: CliResult): string {
  expect(r.code).toBe(1);
  const err = lines(r.stderr);
  expect(err).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  return err[0];
}

describe('workflows through the Kubernetes API', () => {
  let succeeded = '';
  let failed = '';

  it('submit --wait of a steps workflow exits 0 once the cluster ran it to Succeeded', async () => {
    const r = await argo(['submit', fixture('kube/steps.yaml'), '--wait', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    succeeded = r.stdout.trim();
    expect(succeeded).toMatch(/^kube-steps-[a-z0-9]{5}$/);
    // It is a resource of the API server, written by the controller there.
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', succeeded);
    expect(wf?.status?.phase).toBe('Succeeded');
  });

  it('submit --wait of a failing one exits 1 and it is recorded as Failed', async () => {
    const r = await argo(['submit', fixture('kube/steps-fail.yaml'), '--wait', '-o', 'name']);
    expect(r.code).toBe(1);
    failed = lines(r.stdout)[0];
    expect(failed).toMatch(/^kube-fail-/);
    const got = await argo(['get', failed, '-o', 'json']);
    expect(got.code).toBe(0);
    expect((JSON.parse(got.stdout) as Workflow).status?.phase).toBe('Failed');
  });

  it('list shows both with their status; -o name only the names', async () => {
    const table = await argo(['list']);
    expect(table.code).toBe(0);
    const rows = lines(table.stdout);
    expect(rows[0]).toMatch(/^NAME\s+STATUS\s+AGE\s+DURATION\s+PRIORITY\s+MESSAGE$/);
    expect(rows.find((l) => l.startsWith(`${succeeded} `))).toMatch(/\sSucceeded\s/);
    expect(rows.find((l) => l.startsWith(`${failed} `))).toMatch(/\sFailed\s/);
    const names = await argo(['list', '-o', 'name']);
    expect(lines(names.stdout).sort()).toEqual([failed, succeeded].sort());
  });

  it('get prints the tree of the steps', async () => {
    const r = await argo(['get', succeeded]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+kube-steps-/m);
    expect(r.stdout).toMatch(/^Status:\s+Succeeded$/m);
    expect(r.stdout).toMatch(/├───✔ first\s+say\s+kube-steps-/);
    expect(r.stdout).toMatch(/└───✔ second\s+say\s+kube-steps-/);
  });

  it('logs come from the pods/log API, one line per log line with its pod name, in order', async () => {
    const before = cluster.api.requests.length;
    const r = await argo(['logs', succeeded]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${succeeded}-say-\\d+: said one$`)),
      expect.stringMatching(new RegExp(`^${succeeded}-say-\\d+: said two$`)),
    ]);
    const logCalls = cluster.api.requests.slice(before).filter((q) => q.path.endsWith('/log'));
    expect(logCalls).toHaveLength(2);
    for (const call of logCalls) {
      expect(call.path).toMatch(new RegExp(`^/api/v1/namespaces/default/pods/${succeeded}-say-\\d+/log$`));
      expect(call.query).toMatchObject({ container: 'main', timestamps: 'true' });
    }
  });

  it('logs --timestamps keeps the times, --grep filters, -f ends with the finished workflow', async () => {
    const stamped = await argo(['logs', succeeded, '--timestamps']);
    expect(lines(stamped.stdout)).toEqual([
      expect.stringMatching(/-say-\d+: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z said one$/),
      expect.stringMatching(/-say-\d+: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z said two$/),
    ]);
    const grepped = await argo(['logs', succeeded, '--grep', 'two']);
    expect(lines(grepped.stdout)).toEqual([expect.stringMatching(/: said two$/)]);
    const followed = await argo(['logs', failed, '-f']);
    expect(followed.code).toBe(0);
    expect(lines(followed.stdout).map((l) => l.replace(/^[^:]+: /, ''))).toEqual(['fine', 'about to fail']);
  });

  it('submit --log follows the pods of a running workflow through pods/log until it ends', async () => {
    const r = await argo(['submit', fixture('kube/steps.yaml'), '--log']);
    expect(r.code).toBe(0);
    // Pods found in one poll are followed at once, as upstream's CLI does: their lines may interleave.
    const said = lines(r.stdout).filter((l) => / said /.test(l));
    expect(said).toHaveLength(2);
    expect(said).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^kube-steps-[a-z0-9]+-say-\d+: said one$/),
        expect.stringMatching(/^kube-steps-[a-z0-9]+-say-\d+: said two$/),
      ]),
    );
    const followed = cluster.api.requests.filter((q) => q.path.endsWith('/log') && q.query.follow === 'true');
    expect(followed.length).toBeGreaterThanOrEqual(2);
  });

  it('retry deletes the failed pod through the API and runs the workflow again', async () => {
    const brokenPod = async () =>
      (await cluster.api.store.list('Pod', { namespace: 'default' })).items.find((p) =>
        p.metadata.name?.startsWith(`${failed}-broken-`),
      );
    const first = await brokenPod();
    const before = cluster.api.requests.length;
    const r = await argo(['retry', failed, '--wait']);
    expect(r.code).toBe(1);
    const deletes = cluster.api.requests
      .slice(before)
      .filter((q) => q.method === 'DELETE' && q.path.startsWith('/api/v1/namespaces/default/pods/'));
    expect(deletes.map((q) => q.path)).toEqual([
      expect.stringMatching(new RegExp(`/pods/${failed}-broken-\\d+$`)),
    ]);
    const wf = await cluster.api.store.get<Workflow>('Workflow', 'default', failed);
    expect(wf?.status?.phase).toBe('Failed');
    // The controller made the pod anew: the step ran again.
    expect((await brokenPod())?.metadata.uid).not.toBe(first?.metadata.uid);
  });

  it('delete removes the workflow; getting it then fails with one line', async () => {
    const r = await argo(['delete', failed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Workflow '${failed}' deleted\n`);
    expect(await cluster.api.store.get('Workflow', 'default', failed)).toBeUndefined();
    const gone = await argo(['get', failed]);
    expect(oneErrorLine(gone)).toContain(`workflows.argoproj.io "${failed}" not found`);
  });

  it('the CLI ran no engine of its own and kept nothing', () => {
    expect(existsSync(cluster.env.ARGO_HOME!)).toBe(false);
  });
});

describe('templates and cron workflows through the Kubernetes API', () => {
  it('template create and list', async () => {
    const created = await argo(['template', 'create', fixture('template.yaml')]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Name:\s+e2e-greeter$/m);
    const list = await argo(['template', 'list']);
    expect(lines(list.stdout).map((l) => l.trim())).toEqual(['NAME', 'e2e-greeter']);
    expect(await cluster.api.store.get('WorkflowTemplate', 'default', 'e2e-greeter')).toBeDefined();
  });

  it('cron create and list', async () => {
    const created = await argo(['cron', 'create', fixture('cron-yearly.yaml')]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Name:\s+yearly$/m);
    const list = await argo(['cron', 'list']);
    expect(list.code).toBe(0);
    const rows = lines(list.stdout);
    expect(rows[0]).toMatch(/^NAME\s+AGE\s+LAST RUN\s+NEXT RUN\s+SCHEDULES\s+TIMEZONE\s+SUSPENDED$/);
    expect(rows[1]).toMatch(/^yearly\s+.*0 0 1 1 \*\s+Asia\/Tokyo\s+false$/);
  });
});

describe('namespaces', () => {
  it('-n, else ARGO_NAMESPACE, else the kubeconfig context namespace', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-ns-'));
    const teamConfig = cluster.api.writeKubeconfig(dir, { namespace: 'team-a' });
    const tmpl = (name: string) => {
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        stringify({
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'WorkflowTemplate',
          metadata: { name },
          spec: { templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }] },
        }),
      );
      return file;
    };
    const env = { KUBECONFIG: teamConfig };
    expect((await argo(['template', 'create', tmpl('from-context')], env)).code).toBe(0);
    expect(
      (await argo(['template', 'create', tmpl('from-env')], { ...env, ARGO_NAMESPACE: 'team-b' })).code,
    ).toBe(0);
    expect(
      (
        await argo(['template', 'create', tmpl('from-flag'), '-n', 'team-c'], {
          ...env,
          ARGO_NAMESPACE: 'team-b',
        })
      ).code,
    ).toBe(0);
    expect(await cluster.api.store.get('WorkflowTemplate', 'team-a', 'from-context')).toBeDefined();
    expect(await cluster.api.store.get('WorkflowTemplate', 'team-b', 'from-env')).toBeDefined();
    expect(await cluster.api.store.get('WorkflowTemplate', 'team-c', 'from-flag')).toBeDefined();
    const listed = await argo(['template', 'list', '-o', 'name'], env);
    expect(lines(listed.stdout)).toEqual(['from-context']);
  });

  it('--context picks another context of the kubeconfig', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-ctx-'));
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'nowhere', cluster: { server: 'http://127.0.0.1:9' } },
          { name: 'fake', cluster: { server: cluster.api.url } },
        ],
        users: [{ name: 'u', user: {} }],
        contexts: [
          { name: 'broken', context: { cluster: 'nowhere', user: 'u' } },
          { name: 'works', context: { cluster: 'fake', user: 'u', namespace: 'team-a' } },
        ],
        'current-context': 'broken',
      }),
    );
    const r = await argo(['template', 'list', '-o', 'name', '--context', 'works'], { KUBECONFIG: file });
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual(['from-context']);
  });
});

describe('what Kubernetes API mode cannot do, in one line', () => {
  it('a name that is not found', async () => {
    const r = await argo(['get', 'no-such-workflow']);
    expect(oneErrorLine(r)).toContain('workflows.argoproj.io "no-such-workflow" not found');
  });

  it('an API server that cannot be reached', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-kube-down-'));
    const file = path.join(dir, 'config');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'gone', cluster: { server: 'http://127.0.0.1:9' } }],
        users: [{ name: 'u', user: {} }],
        contexts: [{ name: 'gone', context: { cluster: 'gone', user: 'u' } }],
        'current-context': 'gone',
      }),
    );
    const r = await argo(['list'], { KUBECONFIG: file });
    expect(r.stdout).toBe('');
    expect(oneErrorLine(r)).toContain('cannot reach the Kubernetes API at http://127.0.0.1:9');
  });

  it('a kubeconfig without the context asked for', async () => {
    const r = await argo(['list', '--context', 'missing']);
    expect(oneErrorLine(r)).toContain('context "missing" does not exist');
  });

  it('kubectl flags it cannot apply are refused, not ignored', async () => {
    const r = await argo(['list', '--as', 'someone-else', '--as-group', 'admins']);
    expect(oneErrorLine(r)).toContain('--as, --as-group: not applied to the Kubernetes API by this CLI yet');
  });

  it("the archive, which needs the Argo Server: upstream's words, exit 1, for every archive command", async () => {
    for (const args of [
      ['archive', 'list'],
      ['archive', 'list', '-o', 'json'],
      ['archive', 'get', 'some-uid'],
      ['archive', 'delete', 'some-uid'],
      ['archive', 'list-label-keys'],
      ['archive', 'list-label-values', '-l', 'team'],
      ['archive', 'retry', 'some-uid'],
      ['archive', 'resubmit', 'some-uid'],
    ]) {
      const r = await argo(args);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(oneErrorLine(r)).toBe(
        'Error: this is impossible if you are not using the Argo Server, see https://argo-workflows.readthedocs.io/en/latest/cli/argo',
      );
    }
  });

  it('a workflow whose nodes were offloaded to the database: get and watch name it and the Argo Server, list shows it', async () => {
    const { store } = await openKubeStore({ kubeconfig: cluster.kubeconfig });
    try {
      // As a controller with nodeStatusOffLoad leaves it; completed, so ours leaves it alone.
      await store.create<Workflow>('Workflow', {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: {
          name: 'offloaded',
          namespace: 'default',
          labels: { 'workflows.argoproj.io/completed': 'true', 'workflows.argoproj.io/phase': 'Succeeded' },
        },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
        status: {
          phase: 'Succeeded',
          startedAt: '2026-01-01T00:00:00Z',
          finishedAt: '2026-01-01T00:00:01Z',
          offloadNodeStatusVersion: 'fnv:123',
        },
      });
    } finally {
      await store.close();
    }
    const expected =
      'Error: workflow default/offloaded has its nodes offloaded to the database (status.offloadNodeStatusVersion): this is impossible if you are not using the Argo Server, see https://argo-workflows.readthedocs.io/en/latest/cli/argo';
    for (const args of [
      ['get', 'offloaded'],
      ['get', 'offloaded', '-o', 'json'],
      ['watch', 'offloaded'],
    ]) {
      const r = await argo(args);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(oneErrorLine(r)).toBe(expected);
    }
    // As upstream's CLI lists it there: its summary, no nodes to count.
    const list = await argo(['list', '-o', 'name']);
    expect(list.code).toBe(0);
    expect(lines(list.stdout)).toContain('offloaded');
  });
});
