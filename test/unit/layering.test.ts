// DESIGN.md's layering: a folder of src/ imports only from folders beside or below it, in the
// order model <- workflow <- store/persist/artifacts <- executor/controller/server <- client <- cli.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');
const LEVEL: Record<string, number> = {
  model: 0,
  workflow: 1,
  store: 2,
  persist: 2,
  artifacts: 2,
  executor: 3,
  controller: 3,
  server: 3,
  client: 4,
  cli: 5,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith('.ts') ? [file] : [];
  });
}

/** The top folder of src/ a path is in ('' for files directly in src/). */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length > 1 ? rel[0] : '';
}

describe('layering', () => {
  it('knows every folder of src/', () => {
    const folders = readdirSync(SRC).filter((n) => statSync(path.join(SRC, n)).isDirectory());
    expect(folders.filter((f) => !(f in LEVEL))).toEqual([]);
  });

  it('has no import from a higher layer', () => {
    const wrong: string[] = [];
    for (const file of sources(SRC)) {
      const from = layerOf(file);
      if (!(from in LEVEL)) continue;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
        const to = layerOf(path.resolve(path.dirname(file), m[1]));
        if (to in LEVEL && LEVEL[to] > LEVEL[from])
          wrong.push(`${path.relative(SRC, file)} imports ${m[1]} (${from} may not use ${to})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
