// An S3-compatible bucket as an artifact repository, over the MinIO client (upstream's S3 driver
// uses MinIO's Go client too). An S3 object becomes visible only once its upload completes; each
// upload is also checked afterwards against the local file's size and MD5, and removed if the
// stored object is not what was sent.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { ArtifactNotFoundError, keySegments, type ArtifactRepository, type EntryKind } from './repository.js';

export interface S3Settings {
  /** host[:port], as upstream writes it; an http:// or https:// prefix is accepted too. */
  endpoint: string;
  bucket: string;
  region?: string;
  insecure?: boolean;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  /** Create the bucket on first write when it is missing (createBucketIfNotPresent). */
  createBucket?: boolean;
}

export class S3Repository implements ArtifactRepository {
  readonly description: string;
  private client?: Promise<Client>;
  private bucketChecked = false;

  constructor(private readonly settings: S3Settings) {
    this.description = `s3 bucket ${settings.bucket} at ${settings.endpoint}`;
  }

  async putFile(key: string, file: string): Promise<void> {
    const name = objectName(key);
    const client = await this.ready(true);
    const [size, md5] = await Promise.all([stat(file).then((s) => s.size), fileMd5(file)]);
    await client.fPutObject(this.settings.bucket, name, file, {});
    await this.verify(client, name, size, md5);
  }

  async putDirectory(key: string, dir: string): Promise<void> {
    const base = objectName(key);
    for (const rel of await filesBelow(dir)) {
      await this.putFile(base ? `${base}/${rel}` : rel, path.join(dir, ...rel.split('/')));
    }
  }

  async stat(key: string): Promise<EntryKind | undefined> {
    const name = objectName(key);
    const client = await this.ready();
    if (name) {
      try {
        await client.statObject(this.settings.bucket, name);
        return 'file';
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const below = await this.names(client, name ? `${name}/` : '', true, 1);
    return below.length > 0 ? 'directory' : undefined;
  }

  async get(key: string, dest: string): Promise<EntryKind> {
    const kind = await this.stat(key);
    if (!kind) throw new ArtifactNotFoundError(key);
    const client = await this.ready();
    const name = objectName(key);
    if (kind === 'file') {
      await mkdir(path.dirname(dest), { recursive: true });
      await client.fGetObject(this.settings.bucket, name, dest);
      return kind;
    }
    const prefix = name ? `${name}/` : '';
    await mkdir(dest, { recursive: true });
    for (const obj of await this.names(client, prefix, true)) {
      const rel = obj.slice(prefix.length);
      // Folder markers some tools write ("dir/") hold nothing.
      if (!rel || rel.endsWith('/')) continue;
      keySegments(rel);
      await client.fGetObject(this.settings.bucket, obj, path.join(dest, ...rel.split('/')));
    }
    return kind;
  }

  async openRead(key: string): Promise<Readable> {
    const client = await this.ready();
    try {
      return await client.getObject(this.settings.bucket, objectName(key));
    } catch (err) {
      if (isNotFound(err)) throw new ArtifactNotFoundError(key);
      throw err;
    }
  }

  async list(key: string): Promise<string[]> {
    const name = objectName(key);
    const client = await this.ready();
    if (!name) return (await this.names(client, '', true)).sort();
    const out = (await this.names(client, `${name}/`, true)).filter((n) => !n.endsWith('/'));
    if ((await this.stat(key)) === 'file') out.push(name);
    return out.sort();
  }

  async delete(key: string): Promise<void> {
    const name = objectName(key);
    if (!name) throw new ArtifactNotFoundError(key);
    const client = await this.ready();
    const names = await this.names(client, `${name}/`, true);
    names.push(name);
    await client.removeObjects(this.settings.bucket, names);
  }

  // -------------------------------------------------------------------------------------------

  private ready(forWrite = false): Promise<Client> {
    this.client ??= makeClient(this.settings);
    return this.client.then(async (client) => {
      if (forWrite && this.settings.createBucket && !this.bucketChecked) {
        if (!(await client.bucketExists(this.settings.bucket)))
          await client.makeBucket(this.settings.bucket, this.settings.region || 'us-east-1');
        this.bucketChecked = true;
      }
      return client;
    });
  }

  private async names(
    client: Client,
    prefix: string,
    recursive: boolean,
    limit = Infinity,
  ): Promise<string[]> {
    const out: string[] = [];
    const stream = client.listObjectsV2(this.settings.bucket, prefix, recursive);
    for await (const item of stream as AsyncIterable<{ name?: string; prefix?: string }>) {
      if (item.name) out.push(item.name);
      if (out.length >= limit) {
        (stream as unknown as Readable).destroy();
        break;
      }
    }
    return out;
  }

  /** The object must be what was sent: same size, and for a single-part upload the same MD5. */
  private async verify(client: Client, name: string, size: number, md5: string): Promise<void> {
    const st = await client.statObject(this.settings.bucket, name);
    const etag = (st.etag ?? '').replace(/"/g, '');
    const multipart = etag.includes('-');
    if (st.size !== size || (!multipart && etag && etag !== md5)) {
      await client.removeObject(this.settings.bucket, name).catch(() => undefined);
      throw new Error(
        `upload of ${name} to ${this.description} did not arrive intact (size ${st.size}/${size}, etag ${etag}/${md5})`,
      );
    }
  }
}

async function makeClient(s: S3Settings): Promise<Client> {
  const { Client: MinioClient } = await import('minio');
  let endpoint = s.endpoint;
  let useSSL = !s.insecure;
  const scheme = /^(https?):\/\//i.exec(endpoint);
  if (scheme) {
    useSSL = scheme[1].toLowerCase() === 'https';
    endpoint = endpoint.slice(scheme[0].length);
  }
  endpoint = endpoint.replace(/\/+$/, '');
  const m = /^(.*):(\d+)$/.exec(endpoint);
  return new MinioClient({
    endPoint: m ? m[1] : endpoint,
    port: m ? Number(m[2]) : undefined,
    useSSL,
    accessKey: s.accessKey ?? '',
    secretKey: s.secretKey ?? '',
    sessionToken: s.sessionToken,
    region: s.region || 'us-east-1',
    pathStyle: true,
  });
}

/** The object name for a key: clean segments joined by '/', no leading or trailing slash. */
function objectName(key: string): string {
  return keySegments(key).join('/');
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string })?.code;
  return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchObject';
}

async function fileMd5(file: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  await walk('');
  return out;
}
