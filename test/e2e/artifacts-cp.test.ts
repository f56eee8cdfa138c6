// Artifacts seen from the CLI on the local backend: argo cp writes each output artifact where
// --path says, argo get lists the workflow's nodes, and argo logs still reads archived-log pods.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, lines, useCli } from './cli.js';

const cli = useCli();
const out = mkdtempSync(path.join(os.tmpdir(), 'argo-cp-e2e-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('argo cp', () => {
  it('copies the output artifacts of a finished workflow, and logs still read after archiveLogs', async () => {
    const submit = await cli.run(['submit', fixture('artifacts/passing.yaml'), '--wait', '-o', 'name'], {
      timeoutMs: 60_000,
    });
    expect(submit.code).toBe(0);
    const name = submit.stdout.trim();
    const cp = await cli.run(['cp', name, out, '--path', '{workflowName}/{templateName}/{artifactName}']);
    expect(cp.code).toBe(0);
    expect(cp.stderr).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Created "hello.tgz"$/m);
    expect(cp.stderr).toContain('Created "main.log"');
    expect(readdirSync(path.join(out, name, 'gen')).sort()).toEqual(['hello', 'main-logs']);
    expect(existsSync(path.join(out, name, 'gen', 'hello', 'hello.tgz'))).toBe(true);
    const logs = await cli.run(['logs', name]);
    expect(lines(logs.stdout).map((l) => l.split(': ')[1])).toEqual(['hello artifacts', 'hello artifacts']);
  });

  it('says so and exits 1 when not given a workflow and a folder', async () => {
    const r = await cli.run(['cp', 'only-one']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('argo cp my-wf output-directory ... [flags]');
    expect(r.stderr).toContain('incorrect number of arguments');
  });
});
