// The work of `argo cp`: find the workflow's output artifacts that match the filters (as
// Workflow.SearchArtifacts does upstream), and write each, as the client layer downloads it, to
// <DIR>/<--path with its variables replaced>/<base name of the artifact's key>.
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { locationKey } from '../../artifacts/location.js';
import type { ArgoClient } from '../../client/types.js';
import type { Artifact } from '../../model/template.js';

export interface CopyFilters {
  artifactName?: string;
  templateName?: string;
  nodeId?: string;
  path: string;
}

export async function copyArtifacts(
  client: ArgoClient,
  namespace: string,
  name: string,
  outputDir: string,
  filters: CopyFilters,
  log: (line: string) => void = (line) => process.stderr.write(`${goLogTime(new Date())} ${line}\n`),
): Promise<number> {
  let wf;
  try {
    wf = await client.getWorkflow(namespace, name);
  } catch (err) {
    throw new Error(`failed to get workflow: ${(err as Error).message}`);
  }
  const workflowName = wf.metadata.name ?? name;
  let copied = 0;
  for (const node of Object.values(wf.status?.nodes ?? {})) {
    if (filters.templateName && node.templateName !== filters.templateName) continue;
    if (filters.nodeId && node.id !== filters.nodeId) continue;
    for (const art of node.outputs?.artifacts ?? []) {
      if (filters.artifactName && art.name !== filters.artifactName) continue;
      const dir = path.join(
        outputDir,
        filters.path
          .replace('{templateName}', node.templateRef?.template ?? node.templateName ?? '')
          .replace('{namespace}', namespace)
          .replace('{workflowName}', workflowName)
          .replace('{nodeId}', node.id)
          .replace('{artifactName}', art.name),
      );
      try {
        await mkdir(dir, { recursive: true });
      } catch (err) {
        throw new Error(`failed to create folder path: ${(err as Error).message}`);
      }
      const fileName = fileNameOf(art);
      try {
        await download(client, namespace, workflowName, node.id, art.name, path.join(dir, fileName));
      } catch (err) {
        throw new Error(`failed to get and store artifact data: ${(err as Error).message}`);
      }
      log(`Created ${JSON.stringify(fileName)}`);
      copied++;
    }
  }
  return copied;
}

function fileNameOf(art: Artifact): string {
  const key = locationKey(art);
  if (!key) throw new Error(`error getting key for artifact: artifact ${art.name} has no key`);
  return path.posix.basename(key);
}

/** Written to a scratch name first, so an interrupted copy leaves no half file under the real name. */
async function download(
  client: ArgoClient,
  namespace: string,
  name: string,
  nodeId: string,
  artifactName: string,
  file: string,
): Promise<void> {
  const body = await client.getArtifact(namespace, name, nodeId, artifactName);
  const partial = `${file}.partial`;
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}

/** The time Go's log package puts before a line: 2006/01/02 15:04:05. */
function goLogTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
