// The main container's outputs as the wait container can reach them. Files on the template's
// volumes are seen through /mainctrfs; everything else the main container's emissary copied into
// /var/run/argo before it exited: parameters as plain files, artifacts as one .tgz per path. Each
// view answers the executor's output collection (MainFiles) from those places.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathExists, unpack } from '../../artifacts/index.js';
import type { Template } from '../../model/template.js';
import type { MainFiles } from '../host/main-files.js';
import { onTemplateVolume } from './context.js';
import type { ContractPaths } from './pod-paths.js';

function view(tmpl: Template, paths: ContractPaths, baseLayer: (p: string) => string): MainFiles {
  return {
    hostPathOf: (p) => (onTemplateVolume(tmpl, p) ? path.join(paths.mainFs, p) : baseLayer(p)),
    onVolume: (p) => onTemplateVolume(tmpl, p),
    // Nothing is made in advance here: a file exists only when the container wrote it.
    untouched: () => false,
  };
}

export function savedParameters(tmpl: Template, paths: ContractPaths): MainFiles {
  return view(tmpl, paths, (p) => paths.savedParameter(path.posix.normalize(p)));
}

/**
 * Unpacks each output artifact's saved .tgz into `scratch`, at its own path below it, so the
 * artifacts can be packed and uploaded as their archive strategy says.
 */
export async function savedArtifacts(
  tmpl: Template,
  paths: ContractPaths,
  scratch: string,
): Promise<MainFiles> {
  const mirror = path.join(scratch, 'base-layer');
  for (const art of tmpl.outputs?.artifacts ?? []) {
    if (!art.path || onTemplateVolume(tmpl, art.path)) continue;
    const p = path.posix.normalize(art.path).replace(/\/+$/, '');
    const saved = paths.savedArtifact(p);
    if (!(await pathExists(saved))) continue;
    const dest = path.join(mirror, p);
    await mkdir(path.dirname(dest), { recursive: true });
    await unpack(saved, dest, 'tgz');
  }
  return view(tmpl, paths, (p) => path.join(mirror, path.posix.normalize(p)));
}
