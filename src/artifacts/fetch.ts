// Input artifacts that come from outside any repository: raw content, an HTTP(S) URL (undici) and a
// git repository (the host's git). Each lands at a scratch path first and is renamed into place.
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { GitArtifact, HTTPArtifact } from '../model/template.js';
import type { SecretKeySelector } from '../model/meta.js';
import { ArtifactNotFoundError } from './repository.js';
import { commonJsExports } from '../commonjs-import.js';

export type SecretReader = (name: string, key: string) => Promise<string | undefined>;

export async function writeRaw(data: string, dest: string): Promise<void> {
  const partial = `${dest}.partial`;
  await writeFile(partial, data);
  await rename(partial, dest);
}

/** The auth upstream's HTTPArtifact takes; basic auth is what this engine supports. */
interface HttpAuth {
  basicAuth?: { usernameSecret?: SecretKeySelector; passwordSecret?: SecretKeySelector };
}

/** Downloads `art.url` to `dest`; a 404 is ArtifactNotFoundError, so optional inputs can be skipped. */
export async function downloadHttp(
  art: HTTPArtifact,
  dest: string,
  secret: SecretReader,
  timeoutMs = 5 * 60_000,
): Promise<void> {
  const { request } = await commonJsExports(import('undici'));
  const headers: Record<string, string> = {};
  for (const h of art.headers ?? []) headers[h.name] = h.value;
  const basic = (art.auth as HttpAuth | undefined)?.basicAuth;
  if (basic?.usernameSecret || basic?.passwordSecret) {
    const user = (await readSecret(secret, basic.usernameSecret)) ?? '';
    const pass = (await readSecret(secret, basic.passwordSecret)) ?? '';
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  }
  let url = art.url;
  for (let redirects = 0; ; redirects++) {
    const res = await request(url, {
      method: 'GET',
      headers,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects < 10) {
      await res.body.dump();
      url = new URL(String(res.headers.location), url).toString();
      continue;
    }
    if (res.statusCode === 404) {
      await res.body.dump();
      throw new ArtifactNotFoundError(art.url);
    }
    if (res.statusCode >= 300) {
      await res.body.dump();
      throw new Error(`loading artifact from ${art.url} failed with reason: ${res.statusCode}`);
    }
    const partial = `${dest}.partial`;
    try {
      await pipeline(res.body, createWriteStream(partial));
      await rename(partial, dest);
    } finally {
      await rm(partial, { force: true });
    }
    return;
  }
}

const execFileAsync = promisify(execFile);

/** Clones `art.repo` into the folder `dest`, checked out at `art.revision` as upstream's git driver does. */
export async function cloneGit(art: GitArtifact, dest: string, secret: SecretReader): Promise<void> {
  // Beside the destination, so the finished clone is renamed on the same file system.
  const scratch = await mkdtemp(`${dest}.git-`);
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0' };
  try {
    let repo = art.repo;
    const user = await readSecret(secret, art.usernameSecret);
    const pass = await readSecret(secret, art.passwordSecret);
    if ((user || pass) && /^https?:\/\//.test(repo)) {
      const u = new URL(repo);
      u.username = encodeURIComponent(user ?? '');
      u.password = encodeURIComponent(pass ?? '');
      repo = u.toString();
    }
    const key = await readSecret(secret, art.sshPrivateKeySecret);
    if (key) {
      const keyFile = path.join(scratch, 'key');
      await writeFile(keyFile, key.endsWith('\n') ? key : `${key}\n`);
      await chmod(keyFile, 0o600);
      const hostCheck = art.insecureIgnoreHostKey
        ? ' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'
        : '';
      env.GIT_SSH_COMMAND = `ssh -i ${keyFile} -o IdentitiesOnly=yes${hostCheck}`;
    }
    if (art.insecureSkipTLS) env.GIT_SSL_NO_VERIFY = 'true';
    const partial = path.join(scratch, 'repo');
    const clone = ['clone'];
    if (art.depth && art.depth > 0) clone.push('--depth', String(art.depth));
    if (art.singleBranch) clone.push('--single-branch');
    if (art.branch) clone.push('--branch', art.branch);
    if (!art.disableSubmodules) clone.push('--recurse-submodules');
    clone.push('--', repo, partial);
    const git = (args: string[], cwd?: string) =>
      execFileAsync('git', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }).catch(
        (err: { stderr?: string; message: string }) => {
          const detail = (err.stderr || err.message).trim().replaceAll(repo, art.repo);
          throw new Error(`git ${args[0]} failed: ${detail}`);
        },
      );
    await git(clone);
    for (const refspec of art.fetch ?? []) await git(['fetch', 'origin', refspec], partial);
    if (art.revision) {
      await git(['fetch', 'origin', art.revision], partial).catch(() => undefined);
      await git(['checkout', art.revision], partial);
      if (!art.disableSubmodules) await git(['submodule', 'update', '--init', '--recursive'], partial);
    }
    await rename(partial, dest);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readSecret(
  secret: SecretReader,
  ref: SecretKeySelector | undefined,
): Promise<string | undefined> {
  if (!ref?.name) return undefined;
  const v = await secret(ref.name, ref.key);
  if (v === undefined && !ref.optional) throw new Error(`secret "${ref.name}" key "${ref.key}" not found`);
  return v;
}
