// Workflow GC on the local backend, through the CLI: `argo submit --wait` of a workflow whose TTL
// deletes it as soon as it finishes still prints its final status (from the last state it saw,
// as upstream's CLI does), and the workflow is then gone, its archived record left.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { openStore } from '../../src/store/index.js';
import { until } from '../helpers/until.js';
import { cliWithHome, type Cli } from './cli.js';

let cli: Cli;
let manifests: string;
beforeAll(() => {
  cli = cliWithHome();
  manifests = mkdtempSync(path.join(os.tmpdir(), 'wf-gc-'));
});
afterAll(() => cli.dispose());

/** A controller the CLI hands the deletion over to goes soon after it has nothing left to do. */
const env = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '1' };

function manifest(name: string, exit: number): string {
  const file = path.join(manifests, `${name}.yaml`);
  writeFileSync(
    file,
    `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ${name}}
spec:
  entrypoint: main
  ttlStrategy: {secondsAfterCompletion: 0}
  templates:
  - name: main
    container: {image: busybox, command: [sh, -c, 'exit ${exit}']}
`,
  );
  return file;
}

async function live(name: string): Promise<Workflow | undefined> {
  const store = openStore({ path: path.join(cli.home, 'argo.db') });
  try {
    const { items } = await store.list<Workflow>('Workflow', {});
    return items.find((w) => w.metadata.name === name);
  } finally {
    await store.close();
  }
}

describe('workflow GC through the CLI', () => {
  it('argo submit --wait prints the final status of a workflow its TTL deletes at once', async () => {
    const r = await cli.run(['submit', manifest('ttl-zero', 0), '--wait'], { timeoutMs: 60_000, env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ttl-zero Succeeded at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \w+$/m);
    await until('ttl-zero to be deleted', 30_000, async () => ((await live('ttl-zero')) ? undefined : true));
    // What is left is its archived record, which `argo get` answers with.
    const got = await cli.run(['get', 'ttl-zero', '-o', 'json'], { env });
    expect(got.code, got.stderr).toBe(0);
    expect((JSON.parse(got.stdout) as Workflow).status?.phase).toBe('Succeeded');
  });

  it('argo submit --watch draws the final state of a failed workflow its TTL deletes, exiting 0 as upstream', async () => {
    const r = await cli.run(['submit', manifest('ttl-fail', 1), '--watch'], { timeoutMs: 60_000, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Status:\s+Failed$/m);
    await until('ttl-fail to be deleted', 30_000, async () => ((await live('ttl-fail')) ? undefined : true));
  });
});
