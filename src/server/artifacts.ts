// Artifact downloads (`/artifacts/...`, `/input-artifacts/...`, `/artifacts-by-uid/...`,
// `/input-artifacts-by-uid/...`, `/artifact-files/...`). Reading artifact bytes belongs to the
// artifact repositories; the server finds the workflow and node, refuses any path that could leave
// the repository, and asks an ArtifactReader. Answers are plain text, as upstream's artifact server's.
import type { Readable } from 'node:stream';
import type { Workflow } from '../model/workflow.js';

export type ArtifactDirection = 'inputs' | 'outputs';

export interface ArtifactRequest {
  workflow: Workflow;
  nodeId: string;
  artifactName: string;
  direction: ArtifactDirection;
  /** For `/artifact-files/`: the file inside the artifact, as clean relative segments. */
  file?: string[];
}

export interface ArtifactContent {
  body: Readable | Buffer;
  /** The name offered to the browser (Content-Disposition). */
  fileName: string;
  contentType?: string;
}

export interface ArtifactReader {
  /** The artifact's bytes, or undefined when the node has no such artifact (404). */
  open(req: ArtifactRequest): Promise<ArtifactContent | undefined>;
}

/** Until artifact repositories exist, every artifact is not found. */
export const noArtifacts: ArtifactReader = { open: async () => undefined };

export class ArtifactPathError extends Error {}

/**
 * The raw path's segments after `skip` leading ones, each percent-decoded once. Refuses `.` and `..`
 * (also when encoded), separators or NUL inside a segment, and `%` left after decoding (a second
 * encoding some later layer might undo), so nothing downstream can be steered outside the artifact.
 */
export function artifactPathSegments(rawPath: string, skip: number): string[] {
  const path = rawPath.split('?')[0];
  const parts = path.split('/').slice(1 + skip);
  return parts.map((raw) => {
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      throw new ArtifactPathError(`malformed path segment ${JSON.stringify(raw)}`);
    }
    if (seg === '.' || seg === '..')
      throw new ArtifactPathError('path must not contain "." or ".." segments');
    if (/[/\\\0]/.test(seg)) throw new ArtifactPathError('path segment must not contain separators');
    if (seg.includes('%')) throw new ArtifactPathError('path segment must not be encoded twice');
    return seg;
  });
}
