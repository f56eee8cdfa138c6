// A node's pod in upstream's legacy (init container) layout, so that argoexec, ours or upstream's,
// runs the node in the pod: an `init` container (argoexec init) stages the template, a copy of
// argoexec, a script's source and the input artifacts; each of the template's containers runs its
// command under `/var/run/argo/argoexec emissary --`; a `wait` container (argoexec wait) collects
// the outputs and reports them as a WorkflowTaskResult. They share the var-run-argo emptyDir.
// Upstream's options this controller has no configuration for (executor resources, progress
// reporting, podSpecPatch, template offloading to a ConfigMap) are left out.
// A resource template's pod is argoexec alone: its main container runs `argoexec resource ACTION`
// (the executor image, under the emissary like any main), which stages the manifest at
// /tmp/manifest.yaml, acts, waits and reports outputs in the node's WorkflowTaskResult itself; so
// there is no wait container unless logs are archived, and its argoexec containers are locked down.
import { hasLocationOrKey } from '../artifacts/index.js';
import { stringify } from 'yaml';
import type { Container, EnvVar, SecretKeySelector, Volume, VolumeMount } from '../model/meta.js';
import type { Pod } from '../model/pod.js';
import type { ArtifactLocation, Template } from '../model/template.js';
import { rfc3339 } from '../workflow/phase.js';
import { onTemplateVolume } from '../executor/argoexec/context.js';
import {
  manifestObjects,
  parseManifest,
  withOwnerReference,
} from '../executor/argoexec/resource/manifest.js';
import {
  INPUT_ARTIFACTS_DIR,
  MAIN_FS_DIR,
  STAGING_DIR,
  VAR_RUN_ARGO,
} from '../executor/argoexec/pod-paths.js';
import { knownImageDefaults } from '../executor/host/image-defaults.js';
import {
  ENV_CONTAINER_NAME,
  ENV_DEADLINE,
  ENV_INCLUDE_SCRIPT_OUTPUT,
  ENV_NODE_ID,
  ENV_POD_NAME,
  ENV_TEMPLATE,
  ENV_WORKFLOW_NAME,
  ENV_WORKFLOW_UID,
  MAIN_CONTAINER_NAME,
  SCRIPT_SOURCE_PATH,
  WAIT_CONTAINER_NAME,
} from '../executor/pod-contract.js';
import type { BuildPodInput } from './pod-builder.js';
import { applySchedulingFields, podObjectMeta, podVolumes } from './pod-shell.js';

export const INIT_CONTAINER_NAME = 'init';
/** Where the init container leaves argoexec for the other containers. */
export const ARGOEXEC_COPY = `${VAR_RUN_ARGO}/argoexec`;
const VOLUME_VAR_RUN_ARGO = 'var-run-argo';
const VOLUME_TMP_DIR = 'tmp-dir-argo';
const VOLUME_INPUT_ARTIFACTS = 'input-artifacts';
const VOLUME_STAGING = 'argo-staging';
const SECRET_DIR = '/argo/secret';
const ANNOTATION_DEFAULT_CONTAINER = 'kubectl.kubernetes.io/default-container';
/** The user upstream runs argoexec as in the pods it locks down. */
const EXECUTOR_USER = 8737;
/** Go's zero time, which upstream sends as ARGO_DEADLINE when there is none. */
const NO_DEADLINE = '0001-01-01T00:00:00Z';
/** The controller's own log settings, which upstream hands to every argoexec it starts. */
const EXECUTOR_LOG_OPTS = ['--loglevel', 'info', '--log-format', 'text', '--gloglevel', '0'];
const IMAGE_INDEX_DOCS =
  'https://argo-workflows.readthedocs.io/en/latest/workflow-executors/#emissary-emissary';

const VAR_RUN_ARGO_MOUNT: VolumeMount = { name: VOLUME_VAR_RUN_ARGO, mountPath: VAR_RUN_ARGO };

export function buildArgoexecPod(input: BuildPodInput, given: Template, executorImage: string): Pod {
  const tmpl = given.resource ? withOwnedManifest(input, given) : given;
  const execContainer = (name: string): Container => ({
    name,
    image: executorImage,
    env: executorEnv(input),
    ...(tmpl.resource ? { securityContext: lockedDown(name) } : {}),
  });
  const mains = mainContainers(tmpl, execContainer);
  const containers = !needsWait(tmpl)
    ? mains
    : [
        { ...execContainer(WAIT_CONTAINER_NAME), command: ['argoexec', 'wait', ...EXECUTOR_LOG_OPTS] },
        ...mains,
      ];
  const metadata = podObjectMeta(input, tmpl);
  metadata.annotations![ANNOTATION_DEFAULT_CONTAINER] = containers.some((c) => c.name === MAIN_CONTAINER_NAME)
    ? MAIN_CONTAINER_NAME
    : (containers[containers.length - 1].name ?? '');
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata,
    spec: {
      restartPolicy: 'Never',
      volumes: [emptyDir(VOLUME_VAR_RUN_ARGO), emptyDir(VOLUME_TMP_DIR), ...templateVolumes(input, tmpl)],
      initContainers: [
        { ...execContainer(INIT_CONTAINER_NAME), command: ['argoexec', 'init', ...EXECUTOR_LOG_OPTS] },
      ],
      containers,
    },
  };
  applySchedulingFields(pod, input, tmpl);
  addSecretVolumes(pod, tmpl);
  addInputArtifactVolumes(pod, tmpl);
  if (tmpl.script) addStagingVolume(pod);
  for (const c of tmpl.initContainers ?? []) pod.spec.initContainers!.push(userContainer(pod, c));
  for (const c of tmpl.sidecars ?? []) pod.spec.containers.push(userContainer(pod, c));
  if (!tmpl.data && !tmpl.resource) mirrorMainMountsToWait(pod);
  for (const c of pod.spec.initContainers!) c.volumeMounts = [...(c.volumeMounts ?? []), VAR_RUN_ARGO_MOUNT];
  addContractEnv(pod, input, tmpl);
  wrapWithEmissary(pod, executorImage);
  return pod;
}

/**
 * Data and resource templates run argoexec as their main container, which reports its own outputs;
 * a resource pod still has wait when its logs are archived, since wait saves them.
 */
function needsWait(tmpl: Template): boolean {
  if (tmpl.data) return false;
  if (tmpl.resource) return tmpl.archiveLocation?.archiveLogs === true;
  return true;
}

/**
 * Upstream's minimal security context for the argoexec containers of a resource pod: no
 * privileges, a fixed non-root user (8737, the user of upstream's argoexec image), and a read-only
 * root filesystem for main (init and wait write outside their volumes, so theirs stays writable).
 */
function lockedDown(containerName: string): Record<string, unknown> {
  const readOnly = containerName !== INIT_CONTAINER_NAME && containerName !== WAIT_CONTAINER_NAME;
  return {
    capabilities: { drop: ['ALL'] },
    privileged: false,
    runAsNonRoot: true,
    runAsUser: EXECUTOR_USER,
    ...(readOnly ? { readOnlyRootFilesystem: true } : {}),
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/**
 * With setOwnerReference, the workflow becomes the controlling owner of the manifest's object
 * here, in the template the pod carries, as upstream's controller does it: upstream's argoexec
 * does not add it. A manifest of several documents is left to our argoexec, which adds it to each.
 */
function withOwnedManifest(input: BuildPodInput, tmpl: Template): Template {
  const resource = tmpl.resource!;
  if (!resource.setOwnerReference || !resource.manifest) return tmpl;
  const objects = manifestObjects(parseManifest(resource.manifest, 'resource.manifest'), 'resource.manifest');
  if (objects.length !== 1) return tmpl;
  const owned = withOwnerReference(objects[0], input.wf.metadata.name ?? '', input.wf.metadata.uid ?? '');
  return { ...tmpl, resource: { ...resource, manifest: stringify(owned) } };
}

/** ARGO_POD_NAME and ARGO_POD_UID come from the downward API: only the kubelet knows the uid. */
function executorEnv(input: BuildPodInput): EnvVar[] {
  return [
    { name: ENV_POD_NAME, valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'ARGO_POD_UID', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.uid' } } },
    { name: ENV_WORKFLOW_NAME, value: input.wf.metadata.name ?? '' },
    { name: ENV_WORKFLOW_UID, value: input.wf.metadata.uid ?? '' },
  ];
}

function mainContainers(tmpl: Template, execContainer: (name: string) => Container): Container[] {
  if (tmpl.container) return [{ ...structuredClone(tmpl.container), name: MAIN_CONTAINER_NAME }];
  if (tmpl.script) {
    const { source, ...rest } = structuredClone(tmpl.script);
    const c: Container = { ...rest, name: MAIN_CONTAINER_NAME };
    if (source) c.args = [...(c.args ?? []), SCRIPT_SOURCE_PATH];
    return [c];
  }
  if (tmpl.data) {
    const c = execContainer(MAIN_CONTAINER_NAME);
    return [{ ...c, command: ['argoexec', 'data', JSON.stringify(tmpl.data), ...EXECUTOR_LOG_OPTS] }];
  }
  if (tmpl.resource) {
    const c = execContainer(MAIN_CONTAINER_NAME);
    return [{ ...c, command: ['argoexec', 'resource', tmpl.resource.action, ...EXECUTOR_LOG_OPTS] }];
  }
  if (tmpl.containerSet) {
    const shared = tmpl.containerSet.volumeMounts ?? [];
    return tmpl.containerSet.containers.map((c) => {
      const { dependencies: _deps, ...rest } = structuredClone(c);
      return {
        ...rest,
        name: rest.name || MAIN_CONTAINER_NAME,
        volumeMounts: [...(rest.volumeMounts ?? []), ...structuredClone(shared)],
      };
    });
  }
  return [];
}

function emptyDir(name: string): Volume {
  return { name, emptyDir: {} };
}

/**
 * The template's volumes, then those of the workflow (volumes and claims) its containers mount;
 * a mount of a volume that is nowhere is an error, as upstream's is.
 */
function templateVolumes(input: BuildPodInput, tmpl: Template): Volume[] {
  const out = structuredClone(tmpl.volumes ?? []);
  const workflow = new Map(
    podVolumes(input.wf, input.execSpec, { ...tmpl, volumes: [] }).map((v) => [v.name, v]),
  );
  const mounts = [
    ...mainMountsOf(tmpl),
    ...(tmpl.initContainers ?? []).flatMap((c) => c.volumeMounts ?? []),
    ...(tmpl.sidecars ?? []).flatMap((c) => c.volumeMounts ?? []),
  ];
  for (const m of mounts) {
    if (out.some((v) => v.name === m.name)) continue;
    const v = workflow.get(m.name);
    if (!v) throw new Error(`volume '${m.name}' not found in workflow spec`);
    out.push(v);
  }
  return out;
}

/** The template's own volume mounts (GetVolumeMounts upstream). */
function mainMountsOf(tmpl: Template): VolumeMount[] {
  return tmpl.container?.volumeMounts ?? tmpl.script?.volumeMounts ?? tmpl.containerSet?.volumeMounts ?? [];
}

function findContainer(list: Container[] | undefined, name: string): Container | undefined {
  return list?.find((c) => c.name === name);
}

function addMounts(c: Container | undefined, mounts: VolumeMount[]): void {
  if (c && mounts.length) c.volumeMounts = [...(c.volumeMounts ?? []), ...mounts];
}

/**
 * Secrets the artifact locations name, as volumes mounted at /argo/secret/NAME in the containers
 * that run argoexec (init, wait, and a data template's main).
 */
function addSecretVolumes(pod: Pod, tmpl: Template): void {
  const volumes = new Map<string, Volume>();
  const add = (sel: SecretKeySelector | undefined): void => {
    const name = sel?.name;
    const key = sel?.key;
    if (!name || !key) return;
    let v = volumes.get(name);
    if (!v) {
      v = { name, secret: { secretName: name, items: [] } };
      volumes.set(name, v);
    }
    const items = v.secret!.items!;
    if (!items.some((i) => i.key === key)) items.push({ key, path: key });
  };
  const locations: (ArtifactLocation | undefined)[] = [
    tmpl.archiveLocation,
    ...(tmpl.outputs?.artifacts ?? []),
    ...(tmpl.inputs?.artifacts ?? []),
  ];
  const dataSource = tmpl.data?.source?.artifactPaths as ArtifactLocation | undefined;
  if (dataSource) locations.push(dataSource);
  for (const loc of locations) for (const sel of secretsOf(loc)) add(sel);
  if (volumes.size === 0) return;
  pod.spec.volumes!.push(...volumes.values());
  const mounts = [...volumes.keys()].map((name) => ({
    name,
    mountPath: `${SECRET_DIR}/${name}`,
    readOnly: true,
  }));
  addMounts(findContainer(pod.spec.containers, WAIT_CONTAINER_NAME), mounts);
  addMounts(findContainer(pod.spec.initContainers, INIT_CONTAINER_NAME), mounts);
  if (tmpl.data) addMounts(findContainer(pod.spec.containers, MAIN_CONTAINER_NAME), mounts);
}

type Selectors = Record<string, unknown> | undefined;

/** The credentials of a location: those of its first kind, in the order upstream looks at kinds. */
function secretsOf(loc: ArtifactLocation | undefined): (SecretKeySelector | undefined)[] {
  if (!loc) return [];
  const pick = (o: Selectors, ...keys: string[]) => keys.map((k) => o?.[k] as SecretKeySelector | undefined);
  const nested = (o: Selectors, key: string) => o?.[key] as Selectors;
  if (loc.s3) {
    const s3 = loc.s3 as unknown as Selectors;
    const enc = nested(s3, 'encryptionOptions');
    const sseC = enc?.enableEncryption ? pick(enc, 'serverSideCustomerKeySecret') : [];
    return [
      ...pick(s3, 'accessKeySecret', 'secretKeySecret', 'sessionTokenSecret'),
      ...sseC,
      ...pick(s3, 'caSecret'),
    ];
  }
  if (loc.git)
    return pick(loc.git as unknown as Selectors, 'usernameSecret', 'passwordSecret', 'sshPrivateKeySecret');
  if (loc.artifactory) return pick(loc.artifactory, 'usernameSecret', 'passwordSecret');
  if (loc.hdfs) return pick(loc.hdfs, 'krbCCacheSecret', 'krbKeytabSecret');
  if (loc.oss) return pick(loc.oss, 'accessKeySecret', 'secretKeySecret');
  if (loc.gcs) return pick(loc.gcs, 'serviceAccountKeySecret');
  const auth = nested(loc.http as unknown as Selectors, 'auth');
  if (auth) {
    return [
      ...pick(nested(auth, 'basicAuth'), 'usernameSecret', 'passwordSecret'),
      ...pick(nested(auth, 'clientCert'), 'clientCertSecret', 'clientKeySecret'),
      ...pick(nested(auth, 'oauth2'), 'clientIDSecret', 'clientSecretSecret', 'tokenURLSecret'),
    ];
  }
  if (loc.azure) return pick(loc.azure, 'accountKeySecret');
  return [];
}

/**
 * Input artifacts go to the input-artifacts emptyDir, which init fills and main mounts one
 * artifact at a time (subPath) at each artifact's path. An artifact on one of the template's
 * volumes is written into that volume instead, which init sees under /mainctrfs.
 */
function addInputArtifactVolumes(pod: Pod, tmpl: Template): void {
  const artifacts = tmpl.inputs?.artifacts ?? [];
  if (artifacts.length === 0) return;
  pod.spec.volumes!.push(emptyDir(VOLUME_INPUT_ARTIFACTS));
  addMounts(findContainer(pod.spec.initContainers, INIT_CONTAINER_NAME), [
    { name: VOLUME_INPUT_ARTIFACTS, mountPath: INPUT_ARTIFACTS_DIR },
    ...mainMountsOf(tmpl).map((m) => ({ ...m, mountPath: mainFsPath(m.mountPath) })),
  ]);
  const main = findContainer(pod.spec.containers, MAIN_CONTAINER_NAME);
  const mounts: VolumeMount[] = [];
  for (const art of artifacts) {
    if (!art.path) continue;
    if (!hasLocationOrKey(art) && art.optional) continue;
    const artPath = cleanPath(art.path);
    if (onTemplateVolume(tmpl, artPath)) continue;
    mounts.push({ name: VOLUME_INPUT_ARTIFACTS, mountPath: artPath, subPath: art.name });
  }
  addMounts(main, mounts);
}

function addStagingVolume(pod: Pod): void {
  pod.spec.volumes!.push(emptyDir(VOLUME_STAGING));
  const mount = [{ name: VOLUME_STAGING, mountPath: STAGING_DIR }];
  addMounts(findContainer(pod.spec.initContainers, INIT_CONTAINER_NAME), mount);
  addMounts(findContainer(pod.spec.containers, MAIN_CONTAINER_NAME), mount);
}

/** A user's init container or sidecar; mirrorVolumeMounts gives it main's mounts as they are so far. */
function userContainer(pod: Pod, c: NonNullable<Template['sidecars']>[number]): Container {
  const { mirrorVolumeMounts, ...container } = structuredClone(c);
  const main = findContainer(pod.spec.containers, MAIN_CONTAINER_NAME);
  if (mirrorVolumeMounts && main) addMounts(container, structuredClone(main.volumeMounts ?? []));
  return container;
}

/** The wait container sees main's volumes under /mainctrfs, where output artifacts on them are read. */
function mirrorMainMountsToWait(pod: Pod): void {
  const main = findContainer(pod.spec.containers, MAIN_CONTAINER_NAME);
  const wait = findContainer(pod.spec.containers, WAIT_CONTAINER_NAME);
  if (!main || !wait) return;
  const seen = new Set((wait.volumeMounts ?? []).map((m) => m.mountPath));
  const mirrored: VolumeMount[] = [];
  for (const m of main.volumeMounts ?? []) {
    const mountPath = mainFsPath(m.mountPath);
    if (seen.has(mountPath)) continue;
    seen.add(mountPath);
    mirrored.push({ ...m, mountPath, readOnly: false });
  }
  addMounts(wait, mirrored);
}

function mainFsPath(mountPath: string): string {
  return cleanPath(`${MAIN_FS_DIR}/${mountPath}`);
}

function cleanPath(p: string): string {
  const clean = p.split('/').reduce<string[]>((parts, part) => {
    if (part === '' || part === '.') return parts;
    if (part === '..') parts.pop();
    else parts.push(part);
    return parts;
  }, []);
  return `${p.startsWith('/') ? '/' : ''}${clean.join('/')}` || '.';
}

/**
 * The ARGO_* variables: every container learns its name, the node and the deadline; init
 * containers also get the template (without input parameters, which are substituted already).
 */
function addContractEnv(pod: Pod, input: BuildPodInput, tmpl: Template): void {
  const simplified: Template = {
    ...tmpl,
    inputs: tmpl.inputs?.artifacts ? { artifacts: tmpl.inputs.artifacts } : {},
  };
  const templateJson = JSON.stringify(simplified);
  const shared: EnvVar[] = [
    { name: ENV_NODE_ID, value: input.node.id },
    // A data template's result is its whole point.
    { name: ENV_INCLUDE_SCRIPT_OUTPUT, value: String(input.includeScriptOutput || tmpl.data !== undefined) },
    { name: ENV_DEADLINE, value: input.deadline ? rfc3339(input.deadline) : NO_DEADLINE },
    { name: ENV_WORKFLOW_NAME, value: input.wf.metadata.name ?? '' },
  ];
  const named = (c: Container): EnvVar => ({ name: ENV_CONTAINER_NAME, value: c.name ?? '' });
  for (const c of pod.spec.initContainers ?? [])
    c.env = [...(c.env ?? []), named(c), { name: ENV_TEMPLATE, value: templateJson }, ...shared];
  for (const c of pod.spec.containers) c.env = [...(c.env ?? []), named(c), ...shared];
}

/**
 * Every container but wait runs its command under the emissary from the copy init left. A
 * container without a command runs its image's entrypoint and cmd, which must be known here.
 */
function wrapWithEmissary(pod: Pod, executorImage: string): void {
  pod.spec.containers.forEach((c, i) => {
    if (c.name !== WAIT_CONTAINER_NAME) {
      if (!c.command?.length) resolveImageCommand(c);
      c.command = [ARGOEXEC_COPY, 'emissary', ...EXECUTOR_LOG_OPTS, '--', ...(c.command ?? [])];
    }
    // argoexec's own scratch space, one folder of the volume per container.
    if (c.image === executorImage)
      addMounts(c, [{ name: VOLUME_TMP_DIR, mountPath: '/tmp', subPath: String(i) }]);
    addMounts(c, [VAR_RUN_ARGO_MOUNT]);
    const grace = pod.spec.terminationGracePeriodSeconds;
    if (typeof grace === 'number')
      c.env = [...(c.env ?? []), { name: 'ARGO_TERMINATION_GRACE_PERIOD_SECONDS', value: String(grace) }];
  });
}

/**
 * The image's ENTRYPOINT becomes the command and its CMD the args (unless the container has
 * args). Upstream reads them from the controller's image index or the registry; this controller
 * reads no registry, so it knows only the images in its table.
 */
function resolveImageCommand(c: Container): void {
  const known = knownImageDefaults(c.image);
  if (!known) {
    throw new Error(
      `failed to look-up entrypoint/cmd for image ${JSON.stringify(c.image ?? '')}, you must either ` +
        `explicitly specify the command, or list the image's command in the index: ${IMAGE_INDEX_DOCS}: ` +
        `image ${JSON.stringify(c.image ?? '')} is not among the images whose entrypoint this controller knows`,
    );
  }
  c.command = [...(known.entrypoint ?? [])];
  if (c.args === undefined && known.cmd) c.args = [...known.cmd];
}
