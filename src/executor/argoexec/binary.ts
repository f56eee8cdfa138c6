// The init container leaves a copy of argoexec in /var/run/argo for the main containers, whose
// images do not have it: their command becomes `/var/run/argo/argoexec emissary -- ...`. Go's
// argoexec copies its static binary. Ours is a Node program: a single-executable build copies
// itself the same way; run from a Node install, it leaves a launcher naming that install, which
// works where the containers share the host's files (the host runtime, tests), not in an image
// without Node.
import { copyFile, chmod, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

function isSingleExecutable(): boolean {
  try {
    const sea = createRequire(import.meta.url)('node:sea') as { isSea(): boolean };
    return sea.isSea();
  } catch {
    return false;
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export async function writeExecutorCopy(dest: string): Promise<void> {
  await rm(dest, { force: true });
  if (isSingleExecutable()) {
    await copyFile(process.execPath, dest);
  } else {
    const script = process.argv[1];
    const launcher = `#!/bin/sh\nexec ${shellQuote(process.execPath)} ${shellQuote(script)} argoexec "$@"\n`;
    await writeFile(dest, launcher);
  }
  // Readable and runnable by every user: main containers may run as another user than init.
  await chmod(dest, 0o555);
}
