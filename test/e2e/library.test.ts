// The package entry as a library user imports it (`import { createClient } from 'argo-ts'`,
// resolved by Node through package.json "exports" to the built dist/index.js).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './cli.js';

const home = mkdtempSync(path.join(os.tmpdir(), 'argo-lib-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const program = `
import { createClient, ArgoError } from 'argo-ts';
const client = await createClient({ engine: 'none' });
await client.createWorkflow('default', {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'from-the-library' },
  spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox', command: ['true'] } }] },
});
const list = await client.listWorkflows('default');
let missing;
try {
  await client.getWorkflow('default', 'not-there');
} catch (err) {
  missing = { isArgoError: err instanceof ArgoError, status: err.status };
}
await client.close();
console.log(JSON.stringify({ backend: client.backend, names: list.items.map((w) => w.metadata.name), missing }));
`;

describe("import { createClient } from 'argo-ts'", () => {
  it('lists workflows of a local ARGO_HOME and reports a missing one as an ArgoError 404', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ARGO_LOCAL: 'true', ARGO_HOME: home };
    delete env.ARGO_SERVER;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', program], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      backend: 'local',
      names: ['from-the-library'],
      missing: { isArgoError: true, status: 404 },
    });
    // The CLI sees what the library wrote: one store.
    const listed = spawnSync(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'list', '-o', 'name'], {
      env,
      encoding: 'utf8',
    });
    expect(listed.stdout).toBe('from-the-library\n');
  });
});
