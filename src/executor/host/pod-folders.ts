// The host folders a pod run makes and removes, with as few file system calls as possible: on a
// busy host every call per pod counts.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { SCRIPT_SOURCE_PATH } from '../pod-contract.js';

/** Where argoexec stages a script's source; each script pod gets its own folder bound here. */
export const STAGING_DIR = path.posix.dirname(SCRIPT_SOURCE_PATH);

/**
 * Makes sure /argo/staging exists on the host. Unlike other mount points it is made once and
 * left, as /var/run/argo is on a node: every script pod binds it, and removing it would race with
 * runtimes of other argo homes on the machine (a folder removed on the host vanishes from the
 * containers that have something mounted on it).
 */
export function stagingFolderExists(): boolean {
  try {
    mkdirSync(STAGING_DIR, { recursive: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * An empty folder at `dir`: one mkdir in the usual case; what an earlier pod of this name left
 * goes first. Synchronous: on the way to a pod's start, a thread-pool round trip costs more than
 * the call itself.
 */
export function freshFolder(dir: string): void {
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') rmSync(dir, { recursive: true, force: true });
    else if (code !== 'ENOENT') throw err;
    mkdirSync(dir, { recursive: true });
  }
}

/**
 * Removes a pod's folder: the known empty folders one by one first (each before the one holding
 * it; missing ones are skipped), the slow recursive way only if one is not empty.
 */
export async function removeFolder(dir: string, folders: string[]): Promise<void> {
  try {
    for (const f of folders) await rmdir(f).catch(ignoreMissing);
    await rmdir(dir);
  } catch {
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}

/** The pod's /etc/hosts: the host's, plus its hostAliases as the kubelet appends them. */
export function writeHostsFile(podDir: string, aliases: { ip: string; hostnames?: string[] }[]): string {
  let hosts: string;
  try {
    hosts = readFileSync('/etc/hosts', 'utf8');
  } catch {
    hosts = '127.0.0.1\tlocalhost\n';
  }
  if (hosts && !hosts.endsWith('\n')) hosts += '\n';
  hosts += '# Entries added by HostAliases.\n';
  for (const a of aliases) hosts += `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`;
  const file = path.join(podDir, 'hosts');
  writeFileSync(file, hosts);
  return file;
}
