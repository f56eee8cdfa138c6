// Validation must answer with a problem, never crash, whatever shape a manifest has: the manifests of
// a corpus are mutated at random places (deterministically) and linted. The unit suite runs this over
// the repository's own manifests; the reference suite over upstream's examples.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifests } from '../../src/workflow/manifest/parse.js';
import { lintManifests } from '../../src/workflow/validate/lint.js';

const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  '',
  'x',
  '{{inputs.parameters.x}}',
  '{{',
  [],
  {},
  [null],
  { a: 1 },
  true,
];
const DAMAGE = [
  '\n',
  ' ',
  ':',
  '- ',
  '"',
  "'",
  '[',
  ']',
  '{',
  '}',
  '&a ',
  '*a',
  '<<: ',
  '---\n',
  '#',
  '!!int ',
  '|\n',
];
const RESOURCES = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);
const noTemplates = { getTemplate: () => undefined };

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

function paths(
  v: unknown,
  p: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (p.length > 0) out.push(p);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...p, i], out));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) paths(x, [...p, k], out);
  return out;
}

export interface RobustnessRuns {
  /** Mutated copies linted of each resource. */
  objectMutations: number;
  /** Copies of each file, with one damage in the text, read and linted. */
  textDamages: number;
  /** At least this many mutated objects must be linted, so that a shrunk corpus is noticed. */
  minRuns: number;
}

/** Lints damaged copies of each manifest of `files`. */
export function describeLintRobustness(title: string, files: string[], n: RobustnessRuns) {
  describe(title, () => {
    it('lints mutated objects without throwing', () => {
      const rnd = random(7);
      let runs = 0;
      for (const file of files) {
        const manifests = (() => {
          try {
            return parseManifests(readFileSync(file, 'utf8'), file, { strict: false });
          } catch (e) {
            // A deliberately malformed fixture: the damaged-text test covers that kind.
            if (e instanceof ManifestError) return [];
            throw e;
          }
        })();
        for (const m of manifests) {
          if (!RESOURCES.has(m.kind)) continue;
          const places = paths(m.raw);
          for (let k = 0; k < n.objectMutations; k++) {
            const obj = structuredClone(m.raw) as Record<string | number, unknown>;
            const place = places[Math.floor(rnd() * places.length)];
            let parent = obj;
            for (const key of place.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
            const last = place[place.length - 1];
            if (rnd() < 0.3) delete parent[last];
            else parent[last] = JUNK[Math.floor(rnd() * JUNK.length)];
            const mutated = { ...m, object: obj, raw: obj, error: undefined };
            expect(() => lintManifests(file, [mutated], { getter: noTemplates })).not.toThrow();
            runs++;
          }
        }
      }
      expect(runs).toBeGreaterThan(n.minRuns);
    });

    it('either reads damaged text or reports where it is malformed', () => {
      const rnd = random(3);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        for (let k = 0; k < n.textDamages; k++) {
          const at = Math.floor(rnd() * text.length);
          const damaged = text.slice(0, at) + DAMAGE[Math.floor(rnd() * DAMAGE.length)] + text.slice(at);
          try {
            lintManifests(file, parseManifests(damaged, file), { getter: noTemplates });
          } catch (e) {
            expect(e).toBeInstanceOf(ManifestError);
          }
        }
      }
    });
  });
}
