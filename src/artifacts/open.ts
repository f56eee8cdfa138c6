// From an artifact's (relocated) location to the repository that holds it and its key. The
// embedded repository is a folder of the argo home; S3 locations get a client with the
// credentials their Secrets hold. Other kinds are not supported by this engine.
import path from 'node:path';
import type { ArtifactLocation, S3Artifact } from '../model/template.js';
import { isLocalLocation, locationKey, locationKind } from './location.js';
import { LocalDirectoryRepository } from './local.js';
import type { ArtifactRepository } from './repository.js';
import { S3Repository } from './s3.js';

/** The embedded repository's folder below the argo home. */
export function localArtifactRoot(home: string): string {
  return path.join(home, 'artifacts');
}

export interface RepositoryContext {
  /** The embedded repository's folder (localArtifactRoot of the argo home). */
  localRoot: string;
  /** A key of a Secret of the workflow's namespace; undefined when it does not exist. */
  secret(name: string, key: string): Promise<string | undefined>;
}

export class UnsupportedArtifactError extends Error {}

export interface OpenedLocation {
  repository: ArtifactRepository;
  key: string;
}

/** Repositories opened through one context are kept, so one client serves many artifacts. */
export class Repositories {
  private readonly opened = new Map<string, ArtifactRepository>();

  constructor(readonly ctx: RepositoryContext) {}

  async open(loc: ArtifactLocation, artifactName = ''): Promise<OpenedLocation> {
    const key = locationKey(loc);
    if (isLocalLocation(loc))
      return {
        repository: this.remember('local', () => new LocalDirectoryRepository(this.ctx.localRoot)),
        key,
      };
    const kind = locationKind(loc);
    if (kind === 's3') {
      const s3 = loc.s3!;
      const settings = await this.s3Settings(s3);
      const id = JSON.stringify(settings);
      return { repository: this.remember(id, () => new S3Repository(settings)), key };
    }
    throw new UnsupportedArtifactError(
      kind
        ? `Unsupported artifact driver for ${artifactName || kind}: ${kind} artifacts are not supported by this engine`
        : 'artifact storage is not configured; see the docs for setup instructions: https://argo-workflows.readthedocs.io/en/latest/configure-artifact-repository/',
    );
  }

  private remember(id: string, make: () => ArtifactRepository): ArtifactRepository {
    let repo = this.opened.get(id);
    if (!repo) {
      repo = make();
      this.opened.set(id, repo);
    }
    return repo;
  }

  private async s3Settings(s3: S3Artifact) {
    const read = async (ref: S3Artifact['accessKeySecret']): Promise<string | undefined> => {
      if (!ref?.name) return undefined;
      const value = await this.ctx.secret(ref.name, ref.key);
      if (value === undefined) throw new Error(`secret "${ref.name}" key "${ref.key}" not found`);
      return value.trim();
    };
    return {
      endpoint: s3.endpoint ?? '',
      bucket: s3.bucket ?? '',
      region: s3.region,
      insecure: s3.insecure,
      accessKey: await read(s3.accessKeySecret),
      secretKey: await read(s3.secretKeySecret),
      sessionToken: await read(s3.sessionTokenSecret),
      createBucket: s3.createBucketIfNotPresent !== undefined,
    };
  }
}
