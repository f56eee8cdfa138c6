// `argo workflow-controller` flags of upstream's that this controller honours.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { until } from '../helpers/until.js';
import { repoRoot, useCli } from './cli.js';

describe('argo workflow-controller flags', () => {
  const cli = useCli();

  it('takes --workflow-workers, defaulting to 32 as upstream', async () => {
    const r = await cli.run(['workflow-controller', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--workflow-workers int\s+Number of workflow workers \(default 32\)/);
  });

  it('takes --pod-cleanup-workers, defaulting to 4 as upstream, and refuses fewer than one', async () => {
    const help = await cli.run(['workflow-controller', '--help']);
    expect(help.stdout).toMatch(/--pod-cleanup-workers int\s+Number of pod cleanup workers \(default 4\)/);
    const r = await cli.run(['workflow-controller', '--pod-cleanup-workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--pod-cleanup-workers must be at least 1, got 0');
  });

  it('takes --cron-workflow-workers, defaulting to 8 as upstream, and refuses fewer than one', async () => {
    const help = await cli.run(['workflow-controller', '--help']);
    expect(help.stdout).toMatch(
      /--cron-workflow-workers int\s+Number of cron workflow workers \(default 8\)/,
    );
    const r = await cli.run(['workflow-controller', '--cron-workflow-workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--cron-workflow-workers must be at least 1, got 0');
  });

  it('takes --workflow-ttl-workers, defaulting to 4 as upstream, and refuses fewer than one', async () => {
    const help = await cli.run(['workflow-controller', '--help']);
    expect(help.stdout).toMatch(/--workflow-ttl-workers int\s+Number of workflow TTL workers \(default 4\)/);
    const r = await cli.run(['workflow-controller', '--workflow-ttl-workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--workflow-ttl-workers must be at least 1, got 0');
  });

  it('refuses a worker count below one, naming the flag', async () => {
    const r = await cli.run(['workflow-controller', '--workflow-workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--workflow-workers must be at least 1, got 0');
  });
});

describe('argo workflow-controller: which store it runs on', () => {
  const cli = useCli();

  it('takes --configmap (default as upstream) and --executor-image', async () => {
    const r = await cli.run(['workflow-controller', '--help']);
    expect(r.stdout).toMatch(
      /--configmap string\s+Name of K8s configmap to retrieve workflow controller configuration \(default "workflow-controller-configmap"\)/,
    );
    expect(r.stdout).toMatch(
      /--executor-image string\s+Executor image to use \(overrides value in configmap\)/,
    );
  });

  it('with a kubeconfig it goes to the cluster: one that cannot be read is one error line', async () => {
    const r = await cli.run(['workflow-controller', '--kubeconfig', '/nonexistent/kubeconfig'], {
      env: { ARGO_LOCAL: '' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringContaining('cannot read kubeconfig "/nonexistent/kubeconfig"'),
    ]);
  });

  it('ARGO_LOCAL=true keeps it on the embedded store, whatever kubeconfig is given', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'argo-wc-local-'));
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin/argo.js'), 'workflow-controller', '--kubeconfig', '/nonexistent/kubeconfig'],
      { env: { ...process.env, ARGO_LOCAL: 'true', ARGO_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await until(`the embedded controller to start:\n${out}`, 15_000, () =>
        out.includes(`starting workflow controller (home ${home}`) ? true : undefined,
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).not.toContain('kubeconfig');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('argo workflow-controller and argo server: the kubectl flags that pick the cluster', () => {
  const cli = useCli();

  /** Runs `argo ARGS` until its output matches `ready`, then stops it with SIGTERM; its output. */
  async function startAndStop(args: string[], ready: RegExp, home: string): Promise<string> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // Where an embedded engine would keep its state: a cluster run leaves nothing there.
      ARGO_HOME: home,
      ARGO_LOCAL: '',
      ARGO_SERVER: '',
      KUBECONFIG: '',
      ARGO_TS_HEALTH_PORT: '0',
      ARGO_TS_METRICS_PORT: '0',
    };
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin/argo.js'), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await until(`output matching ${ready}`, 20_000, () => (ready.test(out) ? true : undefined));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      return out;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }

  it('--context picks a context of the kubeconfig, --server and --token need none', async () => {
    const api = await startFakeApiServer({ token: 'the-token' });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-wc-context-'));
    try {
      // The current context names a server nothing listens on; "good" names the API server.
      const kubeconfig = path.join(dir, 'kubeconfig');
      writeFileSync(
        kubeconfig,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '  - {name: dead, cluster: {server: "http://127.0.0.1:9"}}',
          `  - {name: fake, cluster: {server: "${api.url}"}}`,
          'users:',
          '  - {name: fake, user: {token: the-token}}',
          'contexts:',
          '  - {name: dead, context: {cluster: dead, user: fake, namespace: argo}}',
          '  - {name: good, context: {cluster: fake, user: fake, namespace: argo}}',
          'current-context: dead',
          '',
        ].join('\n'),
      );
      const controller = await startAndStop(
        ['workflow-controller', '--kubeconfig', kubeconfig, '--context', 'good'],
        /msg="started leading"/,
        path.join(dir, 'home'),
      );
      expect(controller).toContain(`kubeconfig=${kubeconfig}`);
      const server = await startAndStop(
        ['server', '--kubeconfig', kubeconfig, '--context', 'good', '--port', '0', '--secure=false'],
        /Argo Server started successfully/,
        path.join(dir, 'home'),
      );
      expect(server).toContain(`kubeApiServer=${api.url}`);
      await startAndStop(
        ['workflow-controller', '--server', api.url, '--token', 'the-token', '-n', 'argo'],
        /msg="started leading"/,
        path.join(dir, 'home'),
      );
      const missing = await cli.run(
        ['workflow-controller', '--kubeconfig', kubeconfig, '--context', 'missing'],
        {
          env: { ARGO_LOCAL: '' },
        },
      );
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim().split('\n')).toEqual([
        expect.stringContaining('context "missing" does not exist'),
      ]);
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
