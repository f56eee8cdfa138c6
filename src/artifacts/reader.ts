// Reading a workflow's artifacts back (argo cp, the Argo Server's download routes), located as
// upstream's artifact server locates them: the artifact as the node recorded it, relocated into
// its template's archive location, or else into the repository the workflow resolved
// (status.artifactRepositoryRef). A key that names a folder is answered with a listing page.
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Artifact, ArtifactLocation, Template } from '../model/template.js';
import type { Secret } from '../model/meta.js';
import type { Workflow } from '../model/workflow.js';
import type { ResourceStore } from '../store/types.js';
import { archiveLocationOf, type ArtifactRepositoryRefStatus } from './config.js';
import { hasLocation, joinKey, locationKey, locationKind, relocate, setKey } from './location.js';
import { localArtifactRoot, Repositories } from './open.js';

export type ArtifactDirection = 'inputs' | 'outputs';

export interface ArtifactReadRequest {
  workflow: Workflow;
  nodeId: string;
  artifactName: string;
  direction: ArtifactDirection;
  /** A file inside a folder artifact, as clean relative segments. */
  file?: string[];
}

export interface ArtifactReadResult {
  body: Readable | Buffer;
  fileName: string;
  contentType?: string;
}

export interface ArtifactReaderOptions {
  /** The argo home whose embedded repository holds local artifacts. */
  home: string;
  /** A Secret's key in a namespace (S3 credentials). */
  secret(namespace: string, name: string, key: string): Promise<string | undefined>;
}

/** Secret values read from a store, for S3 credentials. */
export function storeSecrets(store: ResourceStore): ArtifactReaderOptions['secret'] {
  return async (namespace, name, key) => {
    const s = await store.get<Secret>('Secret', namespace, name);
    const data = s?.data?.[key];
    return data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : s?.stringData?.[key];
  };
}

/** The artifact a node recorded under a name, or undefined. */
export function findNodeArtifact(
  wf: Workflow,
  nodeId: string,
  name: string,
  direction: ArtifactDirection,
): Artifact | undefined {
  const node = wf.status?.nodes?.[nodeId];
  return node?.[direction]?.artifacts?.find((a) => a.name === name);
}

/** Where an artifact of a workflow's node is stored, with every location field filled in. */
export function locateArtifact(wf: Workflow, nodeId: string, art: Artifact): Artifact {
  const node = wf.status?.nodes?.[nodeId];
  const templateName = node?.templateName ?? node?.templateRef?.template;
  let archive: ArtifactLocation | undefined;
  if (templateName) {
    const spec = wf.status?.storedWorkflowTemplateSpec ?? wf.spec;
    archive = spec.templates?.find((t: Template) => t.name === templateName)?.archiveLocation;
  }
  if (!archive || !hasLocation(archive)) {
    const ref = wf.status?.artifactRepositoryRef as ArtifactRepositoryRefStatus | undefined;
    archive = archiveLocationOf(ref?.artifactRepository);
  }
  return relocate(art, archive);
}

/** Opens artifacts of workflows for reading: the ArtifactReader the Argo Server's routes call. */
export class WorkflowArtifactReader {
  constructor(private readonly opts: ArtifactReaderOptions) {}

  async open(req: ArtifactReadRequest): Promise<ArtifactReadResult | undefined> {
    const art = findNodeArtifact(req.workflow, req.nodeId, req.artifactName, req.direction);
    if (!art) return undefined;
    const located = locateArtifact(req.workflow, req.nodeId, art);
    if (!locationKind(located)) return undefined;
    if (req.file?.length) setKey(located, joinKey(locationKey(located), ...req.file));
    const ns = req.workflow.metadata.namespace ?? '';
    const repos = new Repositories({
      localRoot: localArtifactRoot(this.opts.home),
      secret: (name, key) => this.opts.secret(ns, name, key),
    });
    const { repository, key } = await repos.open(located, art.name);
    const kind = await repository.stat(key);
    if (!kind) return undefined;
    const fileName = path.posix.basename(key) || art.name;
    if (kind === 'directory') {
      return {
        body: Buffer.from(listingPage(await repository.list(key), key)),
        fileName,
        contentType: 'text/html; charset=utf-8',
      };
    }
    return { body: await repository.openRead(key), fileName, contentType: contentTypeOf(fileName) };
  }
}

/** A folder artifact's files as links, relative to the folder, one level deep as upstream lists them. */
function listingPage(objects: string[], key: string): string {
  const prefix = key.replace(/\/+$/, '') + '/';
  const seen = new Set<string>();
  let html = '<html><body><ul>\n<li><a href="..">..</a></li>\n';
  for (const o of objects) {
    const rel = o.startsWith(prefix) ? o.slice(prefix.length) : o;
    const slash = rel.indexOf('/');
    const entry = slash >= 0 ? rel.slice(0, slash + 1) : rel;
    if (seen.has(entry)) continue;
    seen.add(entry);
    const text = escapeHtml(entry);
    html += `<li><a href="./${encodeURI(entry).replace(/"/g, '%22')}">${text}</a></li>\n`;
  }
  return `${html}</ul></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const TYPES: Record<string, string> = {
  '.tgz': 'application/gzip',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.txt': 'text/plain; charset=utf-8',
  '.log': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

function contentTypeOf(fileName: string): string | undefined {
  return TYPES[path.posix.extname(fileName).toLowerCase()];
}
