// Child processes in the multi-process tests must run the real store, but Node 20 cannot load
// TypeScript. Transpile src/store and src/model (no type check: fast) to plain ESM once per run.
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function transpileTree(srcDir: string, outDir: string): void {
  for (const entry of readdirSync(srcDir, { withFileTypes: true })) {
    const from = path.join(srcDir, entry.name);
    if (entry.isDirectory()) {
      transpileTree(from, path.join(outDir, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const out = ts.transpileModule(readFileSync(from, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
        fileName: from,
      });
      mkdirSync(outDir, { recursive: true });
      writeFileSync(path.join(outDir, entry.name.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
}

/** Writes `<dir>/dist/{store,model}` and returns the path of the store's index.js. */
export function compileStore(dir: string): string {
  const dist = path.join(dir, 'dist');
  transpileTree(path.join(ROOT, 'src/store'), path.join(dist, 'store'));
  transpileTree(path.join(ROOT, 'src/model'), path.join(dist, 'model'));
  writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}\n');
  // So the compiled code resolves better-sqlite3 from the project.
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return path.join(dist, 'store', 'index.js');
}
