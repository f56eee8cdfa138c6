// Every upstream example and functional-test workflow reads and validates clean (upstream runs them
// all), with templateRefs resolved among them as on the test cluster where they are all applied.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifests, type ParsedManifest } from '../../src/workflow/manifest/parse.js';
import { lintManifests } from '../../src/workflow/validate/lint.js';
import type { TemplateGetter } from '../../src/workflow/validate/run.js';
import { referenceDir } from '../helpers/reference.js';

const REFERENCE = referenceDir();
const DIRS = ['examples', 'functional'].map((d) => join(REFERENCE, d));

/** Files that do not lint clean, and why. */
const EXPECTED_PROBLEMS: Record<string, string> = {
  // `metadata.annotations` is written twice; go-yaml's strict mode rejects the document (upstream
  // then drops it without a word, so its e2e run never submits this no-test example).
  'examples/k8s-patch-json-workflow.yaml':
    'in "k8s-patch-json-workflow-" (Workflow): yaml: unmarshal errors:\n  line 13: key "annotations" already set in map',
};

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : /\.(ya?ml|json)$/.test(name) ? [path] : [];
    });
}

describe('upstream examples and functional tests', () => {
  const files = DIRS.flatMap(walk);
  const parsed = new Map<string, ParsedManifest[]>();
  for (const file of files)
    parsed.set(relative(REFERENCE, file), parseManifests(readFileSync(file, 'utf8'), file));
  const all = [...parsed.values()].flat();
  const byName = (kind: string) =>
    new Map(
      all.filter((m) => m.kind === kind).map((m) => [(m.object.metadata as { name: string }).name, m.object]),
    );
  const templates = {
    WorkflowTemplate: byName('WorkflowTemplate'),
    ClusterWorkflowTemplate: byName('ClusterWorkflowTemplate'),
  };
  const getter: TemplateGetter = { getTemplate: (kind, name) => templates[kind].get(name) as never };

  it('has files to check', () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it('lints clean except the listed files', () => {
    const problems: Record<string, string> = {};
    let linted = 0;
    for (const [file, manifests] of parsed) {
      const result = lintManifests(file, manifests, { getter });
      if (result.linted) linted++;
      if (result.errors.length > 0) problems[file] = result.errors.join('\n');
    }
    expect(problems).toEqual(EXPECTED_PROBLEMS);
    expect(linted).toBeGreaterThan(files.length * 0.9);
  });
});
