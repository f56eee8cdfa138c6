// The bearer token of a local `argo server` in client auth mode. There is no Kubernetes to vouch for
// service-account tokens, so the server keeps one random token in `<ARGO_HOME>/server/token` (mode
// 0600, made on first use): whoever can read that file may use the API, as whoever can read a
// kubeconfig may use the cluster. `argo auth token` prints it; the CLI sends it to a server on this
// machine when ARGO_TOKEN is not set.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function serverTokenPath(home: string): string {
  return path.join(home, 'server', 'token');
}

/** The token in the file, or undefined when none was made yet. */
export function readServerToken(home: string): string | undefined {
  try {
    const token = readFileSync(serverTokenPath(home), 'utf8').trim();
    return token === '' ? undefined : token;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** The token in the file, making it first if needed; two processes racing end up with the same one. */
export function ensureServerToken(home: string): string {
  const existing = readServerToken(home);
  if (existing) return existing;
  const file = serverTokenPath(home);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const token = readServerToken(home);
  if (!token) throw new Error(`could not read the server token from ${file}`);
  return token;
}
