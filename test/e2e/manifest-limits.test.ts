// Hostile manifests given to the CLI: each is refused with one line naming the file, promptly,
// where an alias bomb used to expand until memory ran out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS } from '../../src/workflow/manifest/limits.js';
import { lines, useCli } from './cli.js';

const cli = useCli();
const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

const workflowHead = 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: x-\n';
/** Nine anchors, each a list of nine aliases of the one before: 9^9 values once expanded. */
const bombAnchors = (): string[] => {
  const anchors = ['a0: &a0 ["lol"]'];
  for (let i = 1; i <= 9; i++)
    anchors.push(
      `a${i}: &a${i} [${Array(9)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return anchors;
};
const bomb = (): string =>
  `${workflowHead}  annotations:\n${bombAnchors()
    .map((a) => `    ${a}`)
    .join('\n')}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine}\n`;

// Generous for a process start on a loaded machine; the bomb alone ran for minutes before.
const timeoutMs = 15_000;

describe('manifest budgets', () => {
  it('submit refuses an alias bomb with one line naming the file', async () => {
    const f = file('bomb.yaml', bomb());
    const r = await cli.run(['submit', f], { timeoutMs });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${f}:`);
    expect(r.stderr).toContain('document contains excessive aliasing');
  });

  it('lint reports the alias bomb against the file', async () => {
    const f = file('bomb-lint.yaml', bomb());
    const r = await cli.run(['lint', f], { timeoutMs });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${f}:`);
    expect(r.stdout).toMatch(/yaml: line \d+: document contains excessive aliasing/);
  });

  it('submit refuses a parameter file that is an alias bomb, naming it', async () => {
    const wf = file(
      'plain.yaml',
      `${workflowHead}spec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine}\n`,
    );
    const params = file('params.yaml', `${bombAnchors().join('\n')}\n`);
    const r = await cli.run(['submit', wf, '--parameter-file', params], { timeoutMs });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${params}: document contains excessive aliasing`);
  });

  it('refuses a file over the size limit before reading it', async () => {
    const f = file(
      'huge.yaml',
      `${workflowHead}spec:\n  entrypoint: ${'a'.repeat(MANIFEST_LIMITS.maxBytes)}\n`,
    );
    for (const command of ['submit', 'lint']) {
      const r = await cli.run([command, f], { timeoutMs });
      expect(r.code).toBe(1);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain(`${f}: manifest is 16.0 MiB, over the limit of 16 MiB`);
    }
  });

  it('refuses nesting deeper than the limit, naming the file and line', async () => {
    const depth = 5000;
    const f = file(
      'deep.yaml',
      `${workflowHead}  annotations:\n    x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`,
    );
    const r = await cli.run(['submit', f], { timeoutMs });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(`${f}:6:`);
    expect(r.stderr).toContain(`exceeded max depth of ${MANIFEST_LIMITS.maxDepth}`);
  });
});
