// argoexec's init, emissary and wait working together as in a pod of Argo's legacy layout, against
// a fake Kubernetes API: the template and script reach the main container, input artifacts land
// where the pod's volumes are, and outputs (parameters, result, artifacts, logs) end up in the
// node's WorkflowTaskResult and the artifact repository.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalDirectoryRepository, S3Repository } from '../../../src/artifacts/index.js';
import type { Template } from '../../../src/model/template.js';
import type { WorkflowTaskResult } from '../../../src/model/workflow.js';
import {
  argoexec,
  podEnv,
  podIn,
  runPod,
  terminationMessage,
  type PodEnv,
} from '../../helpers/argoexec-pod.js';
import { startFakeApiServer } from '../../helpers/fake-apiserver.js';
import { startS3rver, type S3Server } from '../../helpers/s3rver.js';

let api: Awaited<ReturnType<typeof startFakeApiServer>>;
let s3: S3Server;
let scratch: string;
let kubeconfig: string;

beforeAll(async () => {
  scratch = mkdtempSync(path.join(tmpdir(), 'argoexec-pod-'));
  api = await startFakeApiServer();
  kubeconfig = api.writeKubeconfig(scratch);
  s3 = await startS3rver(path.join(scratch, 's3'));
});
afterAll(async () => {
  s3?.stop();
  await api?.close();
  rmSync(scratch, { recursive: true, force: true });
});

let dir: string;
let n = 0;
beforeEach(() => {
  dir = path.join(scratch, `pod-${++n}`);
  mkdirSync(path.join(dir, 'out'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function pod(template: Template, extra: NodeJS.ProcessEnv = {}): PodEnv {
  return podIn(dir, kubeconfig, template, `wf-1-${n}`, extra);
}

async function taskResult(nodeId: string): Promise<WorkflowTaskResult | undefined> {
  return api.store.get<WorkflowTaskResult>('WorkflowTaskResult', 'default', nodeId);
}

const local = { s3: { key: 'wf-1/wf-1-main-123' } };

describe('argoexec in a pod', () => {
  it('runs a script and reports its result, output parameter and output artifact', async () => {
    const out = path.join(dir, 'out');
    const template: Template = {
      name: 'gen',
      script: {
        image: 'alpine',
        command: ['sh'],
        source: `echo hello from the script\nprintf 42 > ${out}/p.txt\nmkdir -p ${out}/d\necho a > ${out}/d/a.txt\n`,
      },
      outputs: {
        parameters: [{ name: 'p', valueFrom: { path: `${out}/p.txt` } }],
        artifacts: [{ name: 'd', path: `${out}/d` }],
      },
      archiveLocation: local,
    };
    const p = pod(template, { ARGO_INCLUDE_SCRIPT_OUTPUT: 'true' });
    const script = path.join(p.root, 'argo/staging/script');
    const r = await runPod(p, ['sh', script]);
    expect(r.init.code, r.init.stderr).toBe(0);
    expect(statSync(script).mode & 0o777).toBe(0o755);
    expect(JSON.parse(readFileSync(path.join(p.root, 'var/run/argo/template'), 'utf8'))).toEqual(template);
    expect(r.main!.code, r.main!.stderr).toBe(0);
    expect(r.main!.stdout).toContain('hello from the script');
    expect(r.wait!.code, r.wait!.stderr).toBe(0);

    const result = await taskResult(p.nodeId!);
    expect(result?.metadata.labels).toMatchObject({
      'workflows.argoproj.io/workflow': 'wf-1',
      'workflows.argoproj.io/report-outputs-completed': 'true',
    });
    expect(result?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: 'Workflow',
      name: 'wf-1',
      uid: 'uid-1',
    });
    expect(result?.outputs?.result).toBe('hello from the script');
    expect(result?.outputs?.parameters).toEqual([
      { name: 'p', value: '42', valueFrom: { path: `${out}/p.txt` } },
    ]);
    expect(result?.outputs?.artifacts).toEqual([
      { name: 'd', path: `${out}/d`, s3: { key: 'wf-1/wf-1-main-123/d.tgz' } },
    ]);

    // The artifact is in the embedded repository, a tarball of the folder.
    const repo = new LocalDirectoryRepository(path.join(p.home, 'artifacts'));
    const fetched = path.join(dir, 'fetched.tgz');
    await repo.get('wf-1/wf-1-main-123/d.tgz', fetched);
    expect(statSync(fetched).size).toBeGreaterThan(0);
  });

  it('puts input artifacts in the input-artifacts volume, or on the template volume their path is on', async () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, 'artifacts/inputs'), { recursive: true });
    writeFileSync(path.join(home, 'artifacts/inputs/plain.txt'), 'plain input\n');
    writeFileSync(path.join(home, 'artifacts/inputs/on-volume.txt'), 'on the volume\n');
    const template: Template = {
      name: 'consume',
      container: { image: 'alpine', command: ['true'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      inputs: {
        artifacts: [
          { name: 'plain', path: '/data/plain.txt', s3: { key: 'inputs/plain.txt' }, mode: 0o600 },
          { name: 'vol', path: '/work/in/v.txt', s3: { key: 'inputs/on-volume.txt' } },
          { name: 'optional-missing', path: '/data/none', optional: true },
        ],
      },
      archiveLocation: local,
    };
    const p = pod(template);
    const init = await argoexec(['init'], podEnv(p, 'init'));
    expect(init.code, init.stderr).toBe(0);
    const plain = path.join(p.root, 'argo/inputs/artifacts/plain');
    expect(readFileSync(plain, 'utf8')).toBe('plain input\n');
    expect(statSync(plain).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(p.root, 'mainctrfs/work/in/v.txt'), 'utf8')).toBe('on the volume\n');
    expect(existsSync(path.join(p.root, 'argo/inputs/artifacts/optional-missing'))).toBe(false);
  });

  it('fails init with exit code 64 and a termination message when a required input is missing', async () => {
    const template: Template = {
      name: 'consume',
      container: { image: 'alpine', command: ['true'] },
      inputs: { artifacts: [{ name: 'needed', path: '/data/x' }] },
    };
    const p = pod(template);
    const init = await argoexec(['init'], podEnv(p, 'init'));
    expect(init.code).toBe(64);
    expect(init.stderr).toContain("required artifact 'needed' not supplied");
    expect(terminationMessage(p.root)).toBe("required artifact 'needed' not supplied");
  });

  it('reports the outputs it could read and fails when an output parameter file is missing', async () => {
    const out = path.join(dir, 'out');
    const template: Template = {
      name: 'gen',
      container: { image: 'alpine', command: ['sh', '-c', `printf ok > ${out}/a`] },
      outputs: {
        parameters: [
          { name: 'with-default', valueFrom: { path: `${out}/none`, default: 'dflt' } },
          { name: 'a', valueFrom: { path: `${out}/a` } },
          { name: 'missing', valueFrom: { path: `${out}/missing` } },
        ],
      },
    };
    const p = pod(template);
    const r = await runPod(p, ['sh', '-c', `printf ok > ${out}/a`]);
    expect(r.main!.code).toBe(0);
    expect(r.wait!.code).toBe(64);
    const expected = `open /var/run/argo/outputs/parameters${out}/missing: no such file or directory`;
    expect(r.wait!.stderr).toContain(expected);
    expect(terminationMessage(p.root)).toBe(expected);
    const result = await taskResult(p.nodeId!);
    expect(result?.metadata.labels?.['workflows.argoproj.io/report-outputs-completed']).toBe('true');
    expect(result?.outputs?.parameters?.map((x) => x.value)).toEqual(['dflt', 'ok', undefined]);
  });

  it('ends the main container when the step deadline passes', async () => {
    const template: Template = { name: 'slow', container: { image: 'alpine', command: ['sleep', '30'] } };
    const p = pod(template, {
      ARGO_DEADLINE: new Date(Date.now() + 1500).toISOString(),
      ARGO_TERMINATION_GRACE_PERIOD_SECONDS: '2',
    });
    const started = Date.now();
    const r = await runPod(p, ['sleep', '30']);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.main!.code).toBe(143);
    expect(r.wait!.code, r.wait!.stderr).toBe(0);
    expect(readFileSync(path.join(p.root, 'var/run/argo/ctr/main/exitcode'), 'utf8')).toBe('143');
    expect(terminationMessage(p.root)).toBe('Step exceeded its deadline');
  });

  it('uploads to S3 with credentials read from a Secret through the Kubernetes API, and saves logs', async () => {
    await api.store.create('Secret', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'my-s3', namespace: 'default' },
      data: {
        accessKey: Buffer.from(s3.accessKey).toString('base64'),
        secretKey: Buffer.from(s3.secretKey).toString('base64'),
      },
    } as never);
    const out = path.join(dir, 'out');
    const template: Template = {
      name: 'gen',
      container: { image: 'alpine', command: ['sh', '-c', '...'] },
      outputs: { artifacts: [{ name: 'f', path: `${out}/f.txt`, archive: { none: {} } }] },
      archiveLocation: {
        archiveLogs: true,
        s3: {
          endpoint: s3.endpoint,
          bucket: s3.bucket,
          insecure: true,
          key: 'runs/wf-1',
          accessKeySecret: { name: 'my-s3', key: 'accessKey' },
          secretKeySecret: { name: 'my-s3', key: 'secretKey' },
        },
      },
    };
    const p = pod(template);
    const r = await runPod(p, [
      'sh',
      '-c',
      `echo to-stdout; echo to-stderr >&2; printf content > ${out}/f.txt`,
    ]);
    expect(r.wait!.code, r.wait!.stderr).toBe(0);
    const result = await taskResult(p.nodeId!);
    expect(result?.outputs?.artifacts?.map((a) => [a.name, a.s3?.key])).toEqual([
      ['f', 'runs/wf-1/f.txt'],
      ['main-logs', 'runs/wf-1/main.log'],
    ]);
    const repo = new S3Repository({
      endpoint: s3.endpoint,
      bucket: s3.bucket,
      insecure: true,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
    });
    const got = path.join(dir, 'got.txt');
    await repo.get('runs/wf-1/f.txt', got);
    expect(readFileSync(got, 'utf8')).toBe('content');
    await repo.get('runs/wf-1/main.log', got);
    expect(readFileSync(got, 'utf8')).toBe('to-stdout\nto-stderr\n');
  });

  it('processes a data template and reports its result', async () => {
    const home = path.join(dir, 'home');
    for (const f of ['a.csv', 'b.txt', 'c.csv']) {
      mkdirSync(path.join(home, 'artifacts/files'), { recursive: true });
      writeFileSync(path.join(home, 'artifacts/files', f), f);
    }
    const template: Template = {
      name: 'list',
      data: {
        source: { artifactPaths: { name: 'files', s3: { key: 'files' } } },
        transformation: [{ expression: 'filter(data, {# endsWith ".csv"})' }],
      },
      archiveLocation: local,
    };
    const p = pod(template);
    const r = await argoexec(['data'], podEnv(p, 'main'));
    expect(r.code, r.stderr).toBe(0);
    const result = await taskResult(p.nodeId!);
    expect(JSON.parse(result!.outputs!.result!)).toEqual(['files/a.csv', 'files/c.csv']);
    expect(result?.metadata.labels?.['workflows.argoproj.io/report-outputs-completed']).toBe('true');
  });

  it('says in one line that the Kubernetes API cannot be reached, and exits 64', async () => {
    const badConfig = path.join(dir, 'bad-kubeconfig');
    writeFileSync(badConfig, readFileSync(kubeconfig, 'utf8').replace(/127\.0\.0\.1:\d+/, '127.0.0.1:1'));
    chmodSync(badConfig, 0o600);
    const template: Template = { name: 'x', container: { image: 'alpine', command: ['true'] } };
    const p = { ...pod(template), kubeconfig: badConfig };
    const r = await runPod(p, ['true']);
    expect(r.main!.code).toBe(0);
    expect(r.wait!.code).toBe(64);
    expect(terminationMessage(p.root)).toMatch(
      /^failed to create task result of node wf-1-\d+: .*(ECONNREFUSED|connect)/,
    );
  });
});
