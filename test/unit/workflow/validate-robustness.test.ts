// Validation must answer with a problem, never crash, whatever shape a manifest has: every upstream
// example is mutated at random places (deterministically) and linted.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifests } from '../../../src/workflow/manifest/parse.js';
import { lintManifests } from '../../../src/workflow/validate/lint.js';

const EXAMPLES = '/work/shared/reference/examples';
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
const RESOURCES = new Set(['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow']);
const noTemplates = { getTemplate: () => undefined };

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : /\.ya?ml$/.test(n) ? [p] : [];
    });
}

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

describe.skipIf(!existsSync(EXAMPLES))('robustness', () => {
  const files = existsSync(EXAMPLES) ? walk(EXAMPLES) : [];

  it('lints mutated objects without throwing', () => {
    const rnd = random(7);
    let runs = 0;
    for (const file of files) {
      for (const m of parseManifests(readFileSync(file, 'utf8'), file, { strict: false })) {
        if (!RESOURCES.has(m.kind)) continue;
        const places = paths(m.raw);
        for (let k = 0; k < 8; k++) {
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
    expect(runs).toBeGreaterThan(1000);
  });

  it('either reads damaged text or reports where it is malformed', () => {
    const rnd = random(3);
    const bits = [
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
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (let k = 0; k < 4; k++) {
        const at = Math.floor(rnd() * text.length);
        const damaged = text.slice(0, at) + bits[Math.floor(rnd() * bits.length)] + text.slice(at);
        try {
          lintManifests(file, parseManifests(damaged, file), { getter: noTemplates });
        } catch (e) {
          expect(e).toBeInstanceOf(ManifestError);
        }
      }
    }
  });
});
