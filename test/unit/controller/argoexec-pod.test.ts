// The pods the controller builds in upstream's legacy layout: init and wait containers running
// argoexec, the template's containers under the emissary, and the volumes that connect them.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildPod, type BuildPodInput } from '../../../src/controller/pod-builder.js';
import type { Container, EnvVar } from '../../../src/model/meta.js';
import type { Pod } from '../../../src/model/pod.js';
import type { Template } from '../../../src/model/template.js';
import type { Workflow } from '../../../src/model/workflow.js';

const EXEC = 'quay.io/argoproj/argoexec:v9';
const LOG_OPTS = ['--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0'];
const EMISSARY = ['/var/run/argo/argoexec', 'emissary', ...LOG_OPTS, '--'];

const wf: Workflow = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'wf', namespace: 'ns', uid: 'wf-uid' },
  spec: {},
};

function build(tmpl: Template, extra: Partial<BuildPodInput> = {}): Pod {
  return buildPod({
    wf,
    execSpec: wf.spec,
    node: { id: 'wf-123', name: 'wf.step', displayName: 'step', type: 'Pod', phase: 'Pending' },
    podName: 'wf-step-123',
    tmpl,
    includeScriptOutput: false,
    onExitPod: false,
    layout: 'argoexec',
    executorImage: EXEC,
    ...extra,
  });
}

const byName = (list: Container[] | undefined, name: string): Container => {
  const c = list?.find((x) => x.name === name);
  if (!c) throw new Error(`no container ${name} in ${(list ?? []).map((x) => x.name).join(', ')}`);
  return c;
};
const env = (c: Container, name: string): EnvVar | undefined => c.env?.find((e) => e.name === name);
const mounts = (c: Container) => (c.volumeMounts ?? []).map((m) => [m.name, m.mountPath, m.subPath ?? '']);

describe('argoexec pod layout', () => {
  it('runs a container template under the emissary, beside wait, after init', () => {
    const pod = build({
      name: 'c',
      container: { image: 'alpine', command: ['sh', '-c'], args: ['echo hi'] },
    });
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['init']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['wait', 'main']);
    const init = byName(pod.spec.initContainers, 'init');
    expect(init.image).toBe(EXEC);
    expect(init.command).toEqual(['argoexec', 'init', ...LOG_OPTS]);
    const wait = byName(pod.spec.containers, 'wait');
    expect(wait.command).toEqual(['argoexec', 'wait', ...LOG_OPTS]);
    const main = byName(pod.spec.containers, 'main');
    expect(main.command).toEqual([...EMISSARY, 'sh', '-c']);
    expect(main.args).toEqual(['echo hi']);
    expect(pod.spec.volumes).toEqual([
      { name: 'var-run-argo', emptyDir: {} },
      { name: 'tmp-dir-argo', emptyDir: {} },
    ]);
    expect(mounts(init)).toEqual([['var-run-argo', '/var/run/argo', '']]);
    expect(mounts(wait)).toEqual([
      ['tmp-dir-argo', '/tmp', '0'],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    expect(mounts(main)).toEqual([['var-run-argo', '/var/run/argo', '']]);
    expect(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']).toBe('main');
    expect(pod.spec.restartPolicy).toBe('Never');
  });

  it('gives each container the contract variables, and init the template', () => {
    const deadline = new Date('2030-01-02T03:04:05.678Z');
    const pod = build(
      {
        name: 'c',
        inputs: { parameters: [{ name: 'p', value: 'v' }] },
        container: { image: 'alpine', command: ['true'] },
      },
      { deadline, includeScriptOutput: true },
    );
    const init = byName(pod.spec.initContainers, 'init');
    expect(init.env?.map((e) => e.name)).toEqual([
      'ARGO_POD_NAME',
      'ARGO_POD_UID',
      'ARGO_WORKFLOW_NAME',
      'ARGO_WORKFLOW_UID',
      'ARGO_CONTAINER_NAME',
      'ARGO_TEMPLATE',
      'ARGO_NODE_ID',
      'ARGO_INCLUDE_SCRIPT_OUTPUT',
      'ARGO_DEADLINE',
      'ARGO_WORKFLOW_NAME',
    ]);
    expect(env(init, 'ARGO_POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env(init, 'ARGO_POD_UID')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.uid');
    expect(env(init, 'ARGO_WORKFLOW_UID')?.value).toBe('wf-uid');
    // Input parameters are substituted already: the template in the pod keeps only input artifacts.
    expect(JSON.parse(env(init, 'ARGO_TEMPLATE')!.value!)).toEqual({
      name: 'c',
      inputs: {},
      container: { image: 'alpine', command: ['true'] },
    });
    const main = byName(pod.spec.containers, 'main');
    expect(main.env).toEqual([
      { name: 'ARGO_CONTAINER_NAME', value: 'main' },
      { name: 'ARGO_NODE_ID', value: 'wf-123' },
      { name: 'ARGO_INCLUDE_SCRIPT_OUTPUT', value: 'true' },
      { name: 'ARGO_DEADLINE', value: '2030-01-02T03:04:05Z' },
      { name: 'ARGO_WORKFLOW_NAME', value: 'wf' },
    ]);
    expect(env(byName(pod.spec.containers, 'wait'), 'ARGO_TEMPLATE')).toBeUndefined();
    expect(env(byName(pod.spec.containers, 'wait'), 'ARGO_CONTAINER_NAME')?.value).toBe('wait');
  });

  it('says "no deadline" with the zero time', () => {
    const pod = build({ name: 'c', container: { image: 'alpine', command: ['true'] } });
    expect(env(byName(pod.spec.containers, 'main'), 'ARGO_DEADLINE')?.value).toBe('0001-01-01T00:00:00Z');
  });

  it("runs a script's source from the staging volume init fills", () => {
    const pod = build({ name: 's', script: { image: 'python:3', command: ['python'], source: 'print(1)' } });
    const main = byName(pod.spec.containers, 'main');
    expect(main.command).toEqual([...EMISSARY, 'python']);
    expect(main.args).toEqual(['/argo/staging/script']);
    expect(main.source).toBeUndefined();
    expect(pod.spec.volumes).toContainEqual({ name: 'argo-staging', emptyDir: {} });
    expect(mounts(byName(pod.spec.initContainers, 'init'))).toContainEqual([
      'argo-staging',
      '/argo/staging',
      '',
    ]);
    expect(mounts(main)).toContainEqual(['argo-staging', '/argo/staging', '']);
    // wait sees main's volumes under /mainctrfs.
    expect(mounts(byName(pod.spec.containers, 'wait'))).toContainEqual([
      'argo-staging',
      '/mainctrfs/argo/staging',
      '',
    ]);
  });

  it("looks a command-less container's entrypoint up, and fails for an image it does not know", () => {
    const pod = build({ name: 'a', container: { image: 'argoproj/argosay:v2', args: ['echo', 'hi'] } });
    expect(byName(pod.spec.containers, 'main').command).toEqual([...EMISSARY, '/argosay']);
    expect(byName(pod.spec.containers, 'main').args).toEqual(['echo', 'hi']);
    const cmdOnly = build({ name: 'p', container: { image: 'python:3.12' } });
    expect(byName(cmdOnly.spec.containers, 'main').command).toEqual(EMISSARY);
    expect(byName(cmdOnly.spec.containers, 'main').args).toEqual(['python3']);
    expect(() => build({ name: 'u', container: { image: 'example.com/mystery:1' } })).toThrow(
      /^failed to look-up entrypoint\/cmd for image "example.com\/mystery:1", you must either explicitly specify the command, or list the image's command in the index: https:\/\/argo-workflows.readthedocs.io\/en\/latest\/workflow-executors\/#emissary-emissary: /,
    );
  });

  it('wraps every containerSet container, each keeping its name, own mounts before shared ones', () => {
    const pod = build({
      name: 'cs',
      volumes: [{ name: 'work', emptyDir: {} }],
      containerSet: {
        volumeMounts: [{ name: 'work', mountPath: '/work' }],
        containers: [
          { name: 'a', image: 'alpine', command: ['sh', '-c', 'echo a > /work/a'] },
          { name: 'b', image: 'alpine', command: ['cat', '/work/a'], dependencies: ['a'] },
        ],
      },
    });
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['wait', 'a', 'b']);
    const b = byName(pod.spec.containers, 'b');
    expect(b.command).toEqual([...EMISSARY, 'cat', '/work/a']);
    expect(b.dependencies).toBeUndefined();
    expect(mounts(b)).toEqual([
      ['work', '/work', ''],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    expect(pod.spec.volumes?.map((v) => v.name)).toEqual(['var-run-argo', 'tmp-dir-argo', 'work']);
    expect(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']).toBe('b');
  });

  it('wraps sidecars too, mirroring main mounts when asked, and puts user init containers after init', () => {
    const pod = build({
      name: 'sc',
      volumes: [{ name: 'v', emptyDir: {} }],
      container: { image: 'alpine', command: ['true'], volumeMounts: [{ name: 'v', mountPath: '/v' }] },
      sidecars: [{ name: 'web', image: 'nginx', mirrorVolumeMounts: true }],
      initContainers: [{ name: 'prep', image: 'alpine', command: ['true'] }],
    });
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['wait', 'main', 'web']);
    const web = byName(pod.spec.containers, 'web');
    expect(web.command).toEqual(EMISSARY);
    expect(web.args).toEqual(['nginx', '-g', 'daemon off;']);
    expect(web.mirrorVolumeMounts).toBeUndefined();
    expect(mounts(web)).toEqual([
      ['v', '/v', ''],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    expect(env(web, 'ARGO_CONTAINER_NAME')?.value).toBe('web');
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['init', 'prep']);
    const prep = byName(pod.spec.initContainers, 'prep');
    // Init containers are not wrapped (only containers are), but they get the contract's volume and env.
    expect(prep.command).toEqual(['true']);
    expect(mounts(prep)).toEqual([['var-run-argo', '/var/run/argo', '']]);
    expect(env(prep, 'ARGO_TEMPLATE')).toBeDefined();
    expect(mounts(byName(pod.spec.containers, 'wait'))).toContainEqual(['v', '/mainctrfs/v', '']);
  });

  it('mounts each input artifact from the input-artifacts volume, or has init write it into a volume', () => {
    const pod = build({
      name: 'in',
      volumes: [{ name: 'work', emptyDir: {} }],
      inputs: {
        artifacts: [
          { name: 'msg', path: '/tmp/message', s3: { key: 'k1' } },
          { name: 'onvol', path: '/work/in.txt', s3: { key: 'k2' } },
          { name: 'skipped', path: '/opt/x', optional: true },
        ],
      },
      container: {
        image: 'alpine',
        command: ['cat', '/tmp/message'],
        volumeMounts: [{ name: 'work', mountPath: '/work' }],
      },
    });
    expect(pod.spec.volumes).toContainEqual({ name: 'input-artifacts', emptyDir: {} });
    expect(mounts(byName(pod.spec.initContainers, 'init'))).toEqual([
      ['input-artifacts', '/argo/inputs/artifacts', ''],
      ['work', '/mainctrfs/work', ''],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    const main = byName(pod.spec.containers, 'main');
    expect(mounts(main)).toEqual([
      ['work', '/work', ''],
      ['input-artifacts', '/tmp/message', 'msg'],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    const template = JSON.parse(
      env(byName(pod.spec.initContainers, 'init'), 'ARGO_TEMPLATE')!.value!,
    ) as Template;
    expect(template.inputs?.artifacts?.map((a) => a.name)).toEqual(['msg', 'onvol', 'skipped']);
  });

  it('gives the wait container what it needs for output artifacts: main volumes and secrets', () => {
    const pod = build({
      name: 'out',
      volumes: [{ name: 'work', emptyDir: {} }],
      container: { image: 'alpine', command: ['true'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      outputs: {
        artifacts: [
          {
            name: 'a',
            path: '/work/a',
            s3: {
              bucket: 'b',
              endpoint: 'minio:9000',
              key: 'k',
              accessKeySecret: { name: 'creds', key: 'access' },
              secretKeySecret: { name: 'creds', key: 'secret' },
            },
          },
        ],
      },
    });
    expect(pod.spec.volumes).toContainEqual({
      name: 'creds',
      secret: {
        secretName: 'creds',
        items: [
          { key: 'access', path: 'access' },
          { key: 'secret', path: 'secret' },
        ],
      },
    });
    const wait = byName(pod.spec.containers, 'wait');
    expect(mounts(wait)).toEqual([
      ['creds', '/argo/secret/creds', ''],
      ['work', '/mainctrfs/work', ''],
      ['tmp-dir-argo', '/tmp', '0'],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    expect(mounts(byName(pod.spec.initContainers, 'init'))).toContainEqual([
      'creds',
      '/argo/secret/creds',
      '',
    ]);
    expect(mounts(byName(pod.spec.containers, 'main'))).not.toContainEqual([
      'creds',
      '/argo/secret/creds',
      '',
    ]);
  });

  it('runs a data template as argoexec data in main, with no wait container', () => {
    const data = { source: { artifactPaths: { name: 'f', s3: { key: 'files' } } }, transformation: [] };
    const pod = build({ name: 'd', data } as Template);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['main']);
    const main = byName(pod.spec.containers, 'main');
    expect(main.image).toBe(EXEC);
    expect(main.command).toEqual([...EMISSARY, 'argoexec', 'data', JSON.stringify(data), ...LOG_OPTS]);
    expect(mounts(main)).toEqual([
      ['tmp-dir-argo', '/tmp', '0'],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    expect(env(main, 'ARGO_POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name');
    expect(env(main, 'ARGO_INCLUDE_SCRIPT_OUTPUT')?.value).toBe('true');
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['init']);
  });

  it('runs a resource template as argoexec resource in main, locked down, with no wait container', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: made-\n';
    const pod = build({ name: 'r', resource: { action: 'create', manifest } });
    expect(pod.spec.initContainers?.map((c) => c.name)).toEqual(['init']);
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['main']);
    const main = byName(pod.spec.containers, 'main');
    expect(main.image).toBe(EXEC);
    expect(main.command).toEqual([...EMISSARY, 'argoexec', 'resource', 'create', ...LOG_OPTS]);
    // The manifest reaches argoexec in the template, which init leaves in /var/run/argo.
    const init = byName(pod.spec.initContainers, 'init');
    expect(JSON.parse(env(init, 'ARGO_TEMPLATE')!.value!).resource).toEqual({ action: 'create', manifest });
    expect(env(main, 'ARGO_TEMPLATE')).toBeUndefined();
    expect(env(main, 'ARGO_NODE_ID')?.value).toBe('wf-123');
    expect(env(main, 'ARGO_WORKFLOW_UID')?.value).toBe('wf-uid');
    // Its /tmp, where the manifest is staged, is the executor's scratch volume.
    expect(mounts(main)).toEqual([
      ['tmp-dir-argo', '/tmp', '0'],
      ['var-run-argo', '/var/run/argo', ''],
    ]);
    const locked = {
      capabilities: { drop: ['ALL'] },
      privileged: false,
      runAsNonRoot: true,
      runAsUser: 8737,
      allowPrivilegeEscalation: false,
      seccompProfile: { type: 'RuntimeDefault' },
    };
    expect(main.securityContext).toEqual({ ...locked, readOnlyRootFilesystem: true });
    expect(init.securityContext).toEqual(locked);
    expect(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']).toBe('main');
  });

  it('gives a resource pod a wait container when its logs are archived', () => {
    const pod = build(
      { name: 'r', resource: { action: 'get', manifest: 'apiVersion: v1\nkind: ConfigMap\n' } },
      { archiveLocation: { archiveLogs: true, s3: { key: 'logs' } } },
    );
    expect(pod.spec.containers.map((c) => c.name)).toEqual(['wait', 'main']);
    expect(byName(pod.spec.containers, 'wait').securityContext).not.toHaveProperty('readOnlyRootFilesystem');
  });

  it('makes the workflow the controlling owner of the manifest with setOwnerReference, as upstream argoexec expects', () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: made\ndata:\n  a: "1"\n';
    const pod = build({ name: 'r', resource: { action: 'create', setOwnerReference: true, manifest } });
    const tmpl = JSON.parse(
      env(byName(pod.spec.initContainers, 'init'), 'ARGO_TEMPLATE')!.value!,
    ) as Template;
    expect(parse(tmpl.resource!.manifest!)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'made',
        ownerReferences: [
          {
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Workflow',
            name: 'wf',
            uid: 'wf-uid',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      data: { a: '1' },
    });
  });

  it('keeps what every layout shares: metadata, deadline, referenced workflow volumes only', () => {
    const withVolumes: Workflow = {
      ...wf,
      spec: {
        volumes: [
          { name: 'used', emptyDir: {} },
          { name: 'unused', emptyDir: {} },
        ],
      },
    };
    const pod = build(
      {
        name: 'c',
        container: { image: 'alpine', command: ['true'], volumeMounts: [{ name: 'used', mountPath: '/u' }] },
      },
      { wf: withVolumes, execSpec: withVolumes.spec, activeDeadlineSeconds: 30, onExitPod: true },
    );
    expect(pod.metadata.labels).toMatchObject({
      'workflows.argoproj.io/workflow': 'wf',
      'workflows.argoproj.io/completed': 'false',
      'workflows.argoproj.io/on-exit': 'true',
    });
    expect(pod.metadata.annotations).toMatchObject({ 'workflows.argoproj.io/node-id': 'wf-123' });
    expect(pod.spec.activeDeadlineSeconds).toBe(30);
    expect(pod.spec.volumes?.map((v) => v.name)).toEqual(['var-run-argo', 'tmp-dir-argo', 'used']);
    expect(() =>
      build({
        name: 'c',
        container: { image: 'alpine', command: ['true'], volumeMounts: [{ name: 'nope', mountPath: '/n' }] },
      }),
    ).toThrow("volume 'nope' not found in workflow spec");
  });

  it('leaves the host layout as it was: the template containers with the ARGO_* values on them', () => {
    const pod = build(
      { name: 'c', container: { image: 'alpine', command: ['true'] } },
      { layout: undefined },
    );
    expect(pod.spec.initContainers).toBeUndefined();
    expect(pod.spec.containers.map((c) => [c.name, c.command])).toEqual([['main', ['true']]]);
    expect(env(pod.spec.containers[0], 'ARGO_POD_NAME')?.value).toBe('wf-step-123');
    expect(env(pod.spec.containers[0], 'ARGO_TEMPLATE')).toBeDefined();
  });
});
