// The CLI's bundle turns a CommonJS package loaded with `await import('pkg')` into a chunk that
// exports only `default`, so `const { x } = await import('pkg')` finds nothing there (it did for
// `argo server --secure`, whose self-signed certificate comes from the CommonJS `selfsigned`).
// Every dynamic import of a CommonJS package in src/ must go through commonJsExports.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const external = ['better-sqlite3', 'pg', 'mysql2', 'mysql2/promise', 'jq-wasm'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Whether the bundle takes this package as CommonJS: neither an ESM package nor one with an import condition. */
function isCommonJs(spec: string): boolean {
  const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
    type?: string;
    module?: string;
    exports?: unknown;
  };
  if (pkg.type === 'module' || pkg.module) return false;
  return !JSON.stringify(pkg.exports ?? {}).includes('"import"');
}

describe('dynamic imports of CommonJS packages', () => {
  it('go through commonJsExports, which finds their exports in the bundle too', () => {
    const unwrapped: string[] = [];
    let seen = 0;
    for (const file of sources(path.join(root, 'src'))) {
      const text = readFileSync(file, 'utf8');
      // import('pkg').Type in a type position loads nothing.
      for (const m of text.matchAll(/(commonJsExports\()?import\('([^.'][^']*)'\)(?!\.)/g)) {
        const spec = m[2];
        if (spec.startsWith('node:') || external.includes(spec) || !isCommonJs(spec)) continue;
        seen++;
        if (!m[1]) unwrapped.push(`${path.relative(root, file)}: import('${spec}')`);
      }
    }
    expect(seen).toBeGreaterThan(0);
    expect(unwrapped).toEqual([]);
  });
});
