// `argo lint` over a folder of broken manifests, as a process (piped, so uncoloured): every
// problem once, with file, object and field, in both output formats; exit 1.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, useCli } from './cli.js';

const cli = useCli();
const golden = (name: string): string => path.join(repoRoot, 'test/e2e/golden', name);

/** UPDATE_GOLDEN=1 rewrites the golden file (review the diff before committing). */
function expectGolden(name: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN) writeFileSync(golden(name), actual);
  expect(actual).toBe(readFileSync(golden(name), 'utf8'));
}

describe('argo lint messages', () => {
  it.each([
    ['lint-pretty.txt', []],
    ['lint-simple.txt', ['-o', 'simple']],
  ])('%s', async (name, flags) => {
    // A relative path, so the golden file does not depend on where the repository is.
    const r = await cli.run(['lint', ...flags, 'test/e2e/fixtures/lint'], { cwd: repoRoot });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expectGolden(name, r.stdout);
  });

  it('exits 0 and says so for the good file alone', async () => {
    const r = await cli.run(['lint', 'test/e2e/fixtures/lint/good.yaml'], { cwd: repoRoot });
    expect([r.code, r.stdout]).toEqual([0, '✔ no linting errors found!\n']);
  });
});
