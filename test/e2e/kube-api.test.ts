// `argo kube-api`: the local engine's store served as a Kubernetes API, driven by the real kubectl
// (v1.32) as a user would: create a Secret and ConfigMaps, apply a Workflow, get them back as YAML
// and as kubectl's default table, watch, delete; and a workflow run by the local engine reads a
// ConfigMap made with kubectl.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, repoRoot, runProcess, type Cli, type CliResult } from './cli.js';

let cli: Cli;
let server: ChildProcess;
let kubeconfig: string;

/** Runs kubectl with our kubeconfig given on its command line only (never exported for argo). */
function kubectl(args: string[], config = kubeconfig): Promise<CliResult> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  return runProcess('kubectl', ['--kubeconfig', config, ...args], env, cli.home, 30_000);
}

async function ok(args: string[]): Promise<string> {
  const r = await kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function manifest(name: string, text: string): string {
  const file = path.join(cli.home, name);
  writeFileSync(file, text);
  return file;
}

/** Starts `argo kube-api serve --port 0`; resolves once it says where it listens. */
function startKubeApi(home: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin/argo.js'), 'kube-api', 'serve', '--port', '0'],
    {
      env: { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true', ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`argo kube-api did not start:\n${output}`)), 20_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (/on https:\/\/127\.0\.0\.1:\d+/.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`argo kube-api exited with ${code}:\n${output}`)));
  });
}

/** Polls until check returns a value, or fails after the deadline. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, ms = 40_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  cli = cliWithHome();
  server = await startKubeApi(cli.home);
  const printed = await cli.run(['kube-api', 'kubeconfig']);
  expect(printed.code).toBe(0);
  kubeconfig = manifest('kubeconfig', printed.stdout);
}, 30_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    await new Promise<void>((resolve) => {
      server.once('exit', () => resolve());
      server.kill('SIGTERM');
    });
  }
  await cli?.dispose();
});

describe('kubectl against argo kube-api', () => {
  it('refuses a caller without the right token', async () => {
    const r = await kubectl(['--token', 'not-the-token', 'get', 'configmaps']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
  });

  it('creates a generic secret and gets it back as YAML and as a table', async () => {
    expect(await ok(['create', 'secret', 'generic', 'my-cred', '--from-literal=accessKey=admin'])).toBe(
      'secret/my-cred created\n',
    );
    const secret = parseYaml(await ok(['get', 'secret', 'my-cred', '-o', 'yaml'])) as {
      kind: string;
      type: string;
      data: Record<string, string>;
      metadata: { namespace: string };
    };
    expect(secret).toMatchObject({ kind: 'Secret', type: 'Opaque', metadata: { namespace: 'default' } });
    expect(Buffer.from(secret.data.accessKey, 'base64').toString()).toBe('admin');
    const table = (await ok(['get', 'secrets'])).split('\n');
    expect(table[0].split(/\s+/)).toEqual(['NAME', 'TYPE', 'DATA', 'AGE']);
    expect(table[1].split(/\s+/).slice(0, 3)).toEqual(['my-cred', 'Opaque', '1']);
  });

  it('applies a ConfigMap, re-applies a change, and lists it as YAML with the last-applied annotation', async () => {
    const cm = (value: string) =>
      manifest(
        'cm.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: ${value}\n  old: x\n`,
      );
    expect(await ok(['apply', '-f', cm('hello')])).toBe('configmap/settings created\n');
    expect(await ok(['apply', '-f', cm('hello')])).toBe('configmap/settings unchanged\n');
    // Dropping a key from the manifest removes it: the three-way patch from the annotation.
    writeFileSync(
      path.join(cli.home, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello from kubectl\n',
    );
    expect(await ok(['apply', '-f', path.join(cli.home, 'cm.yaml')])).toBe('configmap/settings configured\n');
    const list = parseYaml(await ok(['get', 'configmaps', '-o', 'yaml'])) as {
      items: {
        data: Record<string, string>;
        metadata: { name: string; annotations: Record<string, string> };
      }[];
    };
    const settings = list.items.find((i) => i.metadata.name === 'settings');
    expect(settings?.data).toEqual({ greeting: 'hello from kubectl' });
    expect(settings?.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      'hello from kubectl',
    );
    const table = (await ok(['get', 'cm', 'settings'])).split('\n');
    expect(table[0].split(/\s+/)).toEqual(['NAME', 'DATA', 'AGE']);
    expect(table[1].split(/\s+/).slice(0, 2)).toEqual(['settings', '1']);
  });

  it('selects by label and patches with merge and JSON patches', async () => {
    await ok(['create', 'configmap', 'labelled', '--from-literal=a=1']);
    await ok(['label', 'configmap', 'labelled', 'team=blue']);
    expect(await ok(['get', 'cm', '-l', 'team=blue', '-o', 'name'])).toBe('configmap/labelled\n');
    await ok(['patch', 'configmap', 'labelled', '--type=merge', '-p', '{"data":{"b":"2"}}']);
    await ok(['patch', 'configmap', 'labelled', '--type=json', '-p', '[{"op":"remove","path":"/data/a"}]']);
    expect(await ok(['get', 'cm', 'labelled', '-o', 'jsonpath={.data}'])).toBe('{"b":"2"}');
  });

  it('watches with kubectl get -w', async () => {
    const env = { ...process.env };
    delete env.KUBECONFIG;
    const watcher = spawn('kubectl', ['--kubeconfig', kubeconfig, 'get', 'configmaps', '-w'], { env });
    let seen = '';
    watcher.stdout.setEncoding('utf8').on('data', (d: string) => (seen += d));
    try {
      await eventually(async () => (/^settings\s/m.test(seen) ? true : undefined), 'the initial list');
      await ok(['create', 'configmap', 'watched', '--from-literal=k=v']);
      await eventually(async () => (/^watched\s+1\s/m.test(seen) ? true : undefined), 'the watch event');
      expect(seen.match(/^NAME\s/gm)).toHaveLength(1);
    } finally {
      watcher.kill();
    }
  });

  it('applies a Workflow the local engine runs, reading a parameter from the kubectl-made ConfigMap', async () => {
    const wf = manifest(
      'wf.yaml',
      `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: from-kubectl
spec:
  entrypoint: main
  arguments:
    parameters:
      - name: greeting
        valueFrom:
          configMapKeyRef: {name: settings, key: greeting}
  templates:
    - name: main
      inputs:
        parameters: [{name: greeting}]
      script:
        image: alpine
        command: [sh]
        source: echo "{{inputs.parameters.greeting}}"
`,
    );
    expect(await ok(['apply', '-f', wf])).toBe('workflow.argoproj.io/from-kubectl created\n');
    await eventually(async () => {
      const phase = await ok(['get', 'workflow', 'from-kubectl', '-o', 'jsonpath={.status.phase}']);
      return phase === 'Succeeded' || phase === 'Failed' || phase === 'Error' ? phase : undefined;
    }, 'the workflow to finish').then((phase) => expect(phase).toBe('Succeeded'));
    const got = JSON.parse(await ok(['get', 'wf', 'from-kubectl', '-o', 'json'])) as {
      status: { nodes: Record<string, { outputs?: { result?: string } }> };
    };
    expect(Object.values(got.status.nodes).map((n) => n.outputs?.result)).toContain('hello from kubectl');
    const table = (await ok(['get', 'workflows'])).split('\n');
    expect(table[0].split(/\s+/)).toEqual(['NAME', 'STATUS', 'AGE']);
    expect(table[1].split(/\s+/).slice(0, 2)).toEqual(['from-kubectl', 'Succeeded']);
    // The engine's own CLI sees the same workflow.
    const argo = await cli.run(['get', 'from-kubectl', '-o', 'json']);
    expect(JSON.parse(argo.stdout)).toMatchObject({ status: { phase: 'Succeeded' } });
  }, 60_000);

  it('deletes, and then says what is not found', async () => {
    expect(await ok(['delete', 'secret', 'my-cred'])).toBe('secret "my-cred" deleted\n');
    expect(await ok(['delete', 'workflow', 'from-kubectl'])).toBe(
      'workflow.argoproj.io "from-kubectl" deleted\n',
    );
    const r = await kubectl(['get', 'secret', 'my-cred']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error from server (NotFound): secrets "my-cred" not found\n');
  });
});
