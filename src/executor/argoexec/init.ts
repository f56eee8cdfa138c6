// `argoexec init`, the init container of a pod: leaves the template and a copy of argoexec in
// /var/run/argo for the main containers' emissary, writes a script's source to the staging
// volume, and fetches the input artifacts into the input-artifacts volume (or, for a path on one
// of the template's volumes, into that volume through /mainctrfs).
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { localArtifactRoot, Repositories } from '../../artifacts/index.js';
import type { Template } from '../../model/template.js';
import { argoHome } from '../../store/home.js';
import { PodArtifacts } from '../host/artifacts.js';
import { readSecret, type ApiOpener } from './api.js';
import { onTemplateVolume, podSettings } from './context.js';
import type { ExecutorLog } from './log.js';
import { podPath, type ContractPaths } from './pod-paths.js';
import { writeExecutorCopy } from './binary.js';

/** Where argoexec keeps its own temporary files, as upstream uses /tmp/argo. */
export const SCRATCH_DIR = '/tmp/argo';
/** Where a resource template's manifest is staged for the main container. */
export const RESOURCE_MANIFEST = '/tmp/manifest.yaml';

export interface ExecutorRun {
  log: ExecutorLog;
  api: ApiOpener;
  env: NodeJS.ProcessEnv;
}

export async function runInit({ log, api, env }: ExecutorRun): Promise<void> {
  const settings = podSettings(env);
  const { paths, template } = settings;
  log.info('Starting Workflow Executor', { podName: settings.podName, templateName: template.name ?? '' });
  await mkdir(paths.varRunArgo, { recursive: true, mode: 0o777 });
  await writeExecutorCopy(paths.binary);
  await writeTemplateFile(paths.template, template);
  await stageFiles(template, paths, env, log);
  await loadInputArtifacts(template, paths, repositoriesFor(api, env), env, log);
}

async function writeTemplateFile(file: string, template: Template): Promise<void> {
  // Read-only for everyone, as upstream leaves it; a restarted init replaces it.
  await rm(file, { force: true });
  await writeFile(file, JSON.stringify(template), { mode: 0o444 });
}

async function stageFiles(
  template: Template,
  paths: ContractPaths,
  env: NodeJS.ProcessEnv,
  log: ExecutorLog,
): Promise<void> {
  let file: string;
  let body: string;
  let mode = 0o644;
  if (template.script) {
    file = paths.scriptSource;
    body = template.script.source ?? '';
    mode = 0o755;
    log.info('Loading script source', { path: file });
  } else if (template.resource && !template.resource.manifestFrom?.artifact) {
    file = podPath(RESOURCE_MANIFEST, env);
    body = template.resource.manifest ?? '';
    log.info('Loading manifest', { path: file });
  } else return;
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, body);
  await chmod(file, mode);
}

export function repositoriesFor(api: ApiOpener, env: NodeJS.ProcessEnv): Repositories {
  return new Repositories({
    localRoot: localArtifactRoot(argoHome(env)),
    secret: (name, key) => readSecret(api, name, key),
  });
}

async function loadInputArtifacts(
  template: Template,
  paths: ContractPaths,
  repos: Repositories,
  env: NodeJS.ProcessEnv,
  log: ExecutorLog,
): Promise<void> {
  if (!template.inputs?.artifacts?.length) return;
  log.info('Start loading input artifacts...');
  const target = (art: { name: string; path?: string }) =>
    art.path && onTemplateVolume(template, art.path)
      ? path.join(paths.mainFs, art.path)
      : path.join(paths.inputArtifacts, art.name);
  await mkdir(paths.inputArtifacts, { recursive: true });
  const artifacts = new PodArtifacts(template, podPath(SCRATCH_DIR, env), repos, target);
  for (const staged of await artifacts.stageInputs())
    log.info('Successfully download file', { name: staged.name, path: staged.staged });
}
