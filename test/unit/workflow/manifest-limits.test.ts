// Budgets on reading one manifest file: alias expansion (go-yaml's rule and wording), nesting depth,
// document count and size. A hostile file is refused quickly instead of exhausting memory or stack.
import { describe, expect, it } from 'vitest';
import { MANIFEST_LIMITS } from '../../../src/workflow/manifest/limits.js';
import { ManifestError, ManifestLimitError, parseManifests } from '../../../src/workflow/manifest/parse.js';

/** `levels` anchors, each a list of `width` aliases of the one before: width^levels values. */
function aliasBomb(levels: number, width: number, extra = ''): string {
  const lines = ['apiVersion: argoproj.io/v1alpha1', 'kind: ConfigMap', 'metadata:', '  name: bomb', 'data:'];
  lines.push('  a0: &a0 ["lol"]');
  for (let i = 1; i <= levels; i++)
    lines.push(
      `  a${i}: &a${i} [${Array(width)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return lines.join('\n') + '\n' + extra;
}

function refusal(text: string): { error: unknown; ms: number } {
  const started = performance.now();
  try {
    parseManifests(text, 'in.yaml');
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  return { error: undefined, ms: performance.now() - started };
}

describe('aliases', () => {
  it("refuses a 9x9 alias bomb with go-yaml's message, well within a second", () => {
    const { error, ms } = refusal(aliasBomb(9, 9));
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as Error).message).toMatch(/^in\.yaml:\d+:\d+: document contains excessive aliasing$/);
    expect(ms).toBeLessThan(1000);
  });

  it('refuses the bomb also in files only the lenient reader accepts', () => {
    // A quoted scalar continued at its key's indentation: go-yaml reads it, YAML 1.2 parsers do not.
    const lenientOnly = 'args: ["a\nb"]\n';
    expect(() => parseManifests(`kind: X\n${lenientOnly}`, 'ok.yaml')).not.toThrow();
    const { error, ms } = refusal(aliasBomb(9, 9, lenientOnly));
    expect((error as Error).message).toMatch(/document contains excessive aliasing$/);
    expect(ms).toBeLessThan(1000);
  });

  it('reads documents that use aliases in ordinary measure', () => {
    const [m] = parseManifests(aliasBomb(2, 9), 'in.yaml');
    const data = m.object.data as Record<string, unknown[]>;
    expect(data.a2).toHaveLength(9);
    expect(data.a2[0]).toEqual(Array(9).fill(['lol']));
  });
});

describe('structure', () => {
  const nested = (depth: number): string => `kind: X\nv: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
  const blockNested = (depth: number): string =>
    'kind: X\n' +
    Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k:\n`).join('') +
    `${'  '.repeat(depth)}v\n`;

  it('refuses nesting deeper than the limit, in flow and block style, naming the line', () => {
    expect(() => parseManifests(nested(MANIFEST_LIMITS.maxDepth + 1), 'deep.yaml')).toThrow(
      `deep.yaml:2:${MANIFEST_LIMITS.maxDepth + 3}: exceeded max depth of ${MANIFEST_LIMITS.maxDepth}`,
    );
    expect(() => parseManifests(blockNested(MANIFEST_LIMITS.maxDepth + 5), 'deep.yaml')).toThrow(
      /^deep\.yaml:\d+:\d+: exceeded max depth of 256$/,
    );
  });

  it('reads nesting up to the limit', () => {
    const [m] = parseManifests(nested(MANIFEST_LIMITS.maxDepth - 1), 'ok.yaml');
    expect(JSON.stringify(m.object.v)).toBe(
      '['.repeat(MANIFEST_LIMITS.maxDepth - 1) + ']'.repeat(MANIFEST_LIMITS.maxDepth - 1),
    );
  });

  it('refuses more documents than the limit', () => {
    const text = 'kind: X\n---\n'.repeat(MANIFEST_LIMITS.maxDocuments + 1);
    expect(() => parseManifests(text, 'many.yaml')).toThrow(
      `more than ${MANIFEST_LIMITS.maxDocuments} documents in one file`,
    );
    expect(parseManifests('kind: X\n---\n'.repeat(3), 'few.yaml')).toHaveLength(3);
  });

  it('refuses text over the size limit before parsing it', () => {
    const text = `kind: X\nv: ${'a'.repeat(MANIFEST_LIMITS.maxBytes)}\n`;
    expect(() => parseManifests(text, 'big.yaml')).toThrow(ManifestLimitError);
    expect(() => parseManifests(text, 'big.yaml')).toThrow(
      /^big\.yaml: manifest is 16\.0 MiB, over the limit of 16 MiB$/,
    );
  });
});
