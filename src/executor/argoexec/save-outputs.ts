// The wait container cannot see the main container's own filesystem, only its volumes; so main's
// emissary copies each output file it will need onto the shared /var/run/argo volume before it
// reports its exit code: parameters as they are, artifacts already tarred and gzipped.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { packTarGz } from '../../artifacts/archive.js';
import type { Template } from '../../model/template.js';
import { onTemplateVolume } from './context.js';
import type { ExecutorLog } from './log.js';
import type { ContractPaths } from './pod-paths.js';

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

export async function saveOutputs(tmpl: Template, paths: ContractPaths, log: ExecutorLog): Promise<void> {
  for (const p of tmpl.outputs?.parameters ?? []) {
    const src = p.valueFrom?.path;
    if (src) await saveParameter(tmpl, src, paths, log);
  }
  for (const a of tmpl.outputs?.artifacts ?? []) {
    if (a.path) await saveArtifact(tmpl, a.path, paths, log);
  }
}

async function saveParameter(
  tmpl: Template,
  src: string,
  paths: ContractPaths,
  log: ExecutorLog,
): Promise<void> {
  // A volume is mounted in the wait container too, which reads the file there itself.
  if (onTemplateVolume(tmpl, src)) {
    log.info('parameter is on a volume, not copying it', { src });
    return;
  }
  const dst = paths.savedParameter(src);
  await mkdir(path.dirname(dst), { recursive: true, mode: 0o755 });
  try {
    await copyFile(src, dst);
  } catch (err) {
    // A missing file may be an optional output, or have a default; the wait container decides.
    if (isMissing(err)) {
      log.warn('output parameter file does not exist, not copying it', { src });
      return;
    }
    throw new Error(`failed to copy ${src} to ${dst}: ${(err as Error).message}`);
  }
  log.info('saved parameter', { src, dst });
}

async function saveArtifact(
  tmpl: Template,
  srcPath: string,
  paths: ContractPaths,
  log: ExecutorLog,
): Promise<void> {
  if (onTemplateVolume(tmpl, srcPath)) {
    log.info('artifact is on a volume, not archiving it', { src: srcPath });
    return;
  }
  // "/tmp/out/" names the same thing as "/tmp/out", whether a folder or a file.
  const src = srcPath.replace(/\/+$/, '') || '/';
  try {
    await stat(src);
  } catch (err) {
    if (isMissing(err)) {
      log.warn('output artifact does not exist, not archiving it', { src });
      return;
    }
    throw err;
  }
  const dst = paths.savedArtifact(srcPath);
  await mkdir(path.dirname(dst), { recursive: true, mode: 0o755 });
  try {
    await packTarGz(src, dst);
  } catch (err) {
    throw new Error(`failed to tarball the output ${srcPath} to ${dst}: ${(err as Error).message}`);
  }
  log.info('saved artifact', { src, dst });
}
