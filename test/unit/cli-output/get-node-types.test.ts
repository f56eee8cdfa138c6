// `argo get` over the node types the steps and DAG goldens do not have: a containerSet pod (its
// Container nodes are not rows, as upstream's tree skips them), a plugin node, an omitted node
// (hidden), a suspend node waiting and a pod in Error, in a running workflow.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { printWorkflow } from '../../../src/cli/output/get.js';

const here = new URL('.', import.meta.url).pathname;
const wf = JSON.parse(readFileSync(`${here}fixtures/containerset-plugin.json`, 'utf8')) as Workflow;
const now = new Date('2026-03-01T10:05:00Z');

/** UPDATE_GOLDEN=1 rewrites the golden file (review the diff before committing). */
function expectGolden(name: string, actual: string): void {
  const file = `${here}golden/${name}`;
  if (process.env.UPDATE_GOLDEN) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('argo get: containerSet, plugin, omitted, suspend and error nodes', () => {
  it('default', () =>
    expectGolden('get-containerset-plugin.txt', printWorkflow(wf, { noColor: true, noUtf8: false, now })));
  it('wide', () =>
    expectGolden(
      'get-containerset-plugin-wide.txt',
      printWorkflow(wf, { noColor: true, noUtf8: false, now, output: 'wide' }),
    ));
  it('no-utf8, coloured', () =>
    expectGolden(
      'get-containerset-plugin-color-no-utf8.txt',
      printWorkflow(wf, { noColor: false, noUtf8: true, now }),
    ));

  it('shows the pod but not its containers, and hides the omitted node', () => {
    const text = printWorkflow(wf, { noColor: true, noUtf8: false, now });
    expect(text).toMatch(/✔ build +build +cs-plugin-abcde-build-/);
    expect(text).not.toMatch(/compile|cleanup/);
    // Only pods show a duration.
    expect(text).toMatch(/✔ notify +notify +Hello template!/);
    expect(text).toMatch(/ǁ approve/);
    expect(text).toMatch(/⚠ flaky .* pod deleted/);
  });
});
