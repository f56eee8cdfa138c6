// The manifest a resource template acts on: the file init (or this command) stages at
// /tmp/manifest.yaml, or the input artifact manifestFrom names. YAML is read as kubectl reads it
// (YAML 1.1, several documents, `kind: List` expanded); setOwnerReference makes the workflow its
// controlling owner so Kubernetes' garbage collector deletes it with the workflow.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, OwnerReference } from '../../../model/meta.js';
import type { Template } from '../../../model/template.js';
import { RESOURCE_MANIFEST } from '../init.js';
import type { ExecutorLog } from '../log.js';
import { podPath, type ContractPaths } from '../pod-paths.js';

export class ManifestError extends Error {}

/**
 * Writes the inline manifest where the action reads it. Upstream's resource pods have no init
 * container unless they take input artifacts, so the main container stages it itself.
 */
export async function stageManifest(tmpl: Template, env: NodeJS.ProcessEnv, log: ExecutorLog): Promise<void> {
  const resource = tmpl.resource!;
  if (resource.manifestFrom?.artifact) {
    log.info('manifest already staged', { name: resource.manifestFrom.artifact.name });
    return;
  }
  const file = podPath(RESOURCE_MANIFEST, env);
  log.info('Loading manifest', { path: RESOURCE_MANIFEST });
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, resource.manifest ?? '', { mode: 0o644 });
}

/** The path the manifest is read from: as the template names it, and where it is on this host. */
export function manifestLocation(
  tmpl: Template,
  paths: ContractPaths,
  env: NodeJS.ProcessEnv,
): { shown: string; file: string } {
  const from = tmpl.resource?.manifestFrom?.artifact;
  if (!from) return { shown: RESOURCE_MANIFEST, file: podPath(RESOURCE_MANIFEST, env) };
  const input = tmpl.inputs?.artifacts?.find((a) => a.name === from.name);
  if (!input)
    throw new ManifestError(`manifestFrom.artifact "${from.name}" is not an input artifact of the template`);
  if (!input.path)
    throw new ManifestError(`input artifact "${from.name}" has no path to read the manifest from`);
  // In a pod the artifact is mounted at its path; run on a host (ARGOEXEC_ROOT), init leaves it
  // in the input-artifacts folder unless the path is on one of the template's volumes.
  const candidates = [podPath(input.path, env), path.join(paths.inputArtifacts, input.name)];
  return { shown: input.path, file: candidates.find((f) => existsSync(f)) ?? candidates[0] };
}

/** Every value of a YAML stream; empty documents are skipped, as kubectl skips them. */
export function parseManifest(text: string, shown: string): unknown[] {
  const docs = parseAllDocuments(text, {
    version: '1.1',
    merge: true,
    // kubectl's YAML leaves timestamps as strings; a Date would change the object sent.
    customTags: (tags) =>
      tags.filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp'),
  });
  const values: unknown[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const err = doc.errors[0];
    if (err) throw new ManifestError(`error parsing ${shown}: ${err.message.split('\n')[0]}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

/** The objects of the manifest, a `kind: List` expanded into its items. */
export function manifestObjects(values: unknown[], shown: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const v of values) {
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new ManifestError(`error parsing ${shown}: a document is not an object`);
    const obj = v as KubeObject & { items?: unknown[] };
    if (obj.kind === 'List' && Array.isArray(obj.items)) out.push(...manifestObjects(obj.items, shown));
    else out.push(obj);
  }
  return out;
}

export async function readManifest(file: string, shown: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ManifestError(`cannot read the manifest ${shown}: ${(err as Error).message}`);
  }
}

/** Adds the workflow as controlling owner, unless the controller already did (upstream's does). */
export function withOwnerReference(obj: KubeObject, workflowName: string, workflowUid: string): KubeObject {
  if (!workflowName || !workflowUid)
    throw new ManifestError('setOwnerReference needs ARGO_WORKFLOW_NAME and ARGO_WORKFLOW_UID');
  const refs: OwnerReference[] = obj.metadata?.ownerReferences ?? [];
  if (refs.some((r) => r.uid === workflowUid)) return obj;
  const ref: OwnerReference = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    name: workflowName,
    uid: workflowUid,
    controller: true,
    blockOwnerDeletion: true,
  };
  return { ...obj, metadata: { ...obj.metadata, ownerReferences: [...refs, ref] } };
}
