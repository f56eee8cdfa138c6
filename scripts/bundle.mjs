// Bundles the CLI for bin/argo.js: dist/bundle/main.js and the chunks it imports, from src/.
// A command's start-up is mostly Node finding, reading and compiling our modules one file at a
// time (about 200 for `argo list`); bundled, the same code comes in a handful of files. Each
// dynamic import stays a split point, so a command still loads only the code it runs: the
// engine, the server, YAML parsers and the Kubernetes client stay in chunks that reads never open.
// tsc still type-checks and builds dist/ for the library (package.json's exports), which this
// leaves alone.
//
// It also writes dist/bundle/inputs.json: for each output file, the source files in it, so a test
// can tell which of our modules (and which packages) a command loaded from the chunks it opened.
import { build } from 'esbuild';
import fs, { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist/bundle');

// Kept out of the bundle and loaded from node_modules as installed: native addons and the drivers
// that load them, and packages that read their own files at run time (jq-wasm's .wasm).
const EXTERNAL = ['better-sqlite3', 'pg', 'mysql2', 'jq-wasm'];

// commander requires child_process when it loads, for subcommands that are programs of their own
// (argo has none). That module is not in Node's start-up snapshot: loading it (and net, dgram and
// the streams it pulls in) cost every command a few milliseconds, so commander gets it on first use.
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.kind === 'require-call' && /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-builtin' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let m;\nmodule.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:${args.path}'))[key] });\n`,
      loader: 'js',
    }));
  },
};

// An ESM import of node:fs makes Node read every export of fs, its lazy getters too: `promises`
// loads fs/promises and readline, which most commands never use. Our modules get fs's functions
// and constants from Node's CommonJS fs instead (importing anything else fails this build, not a
// command; the deprecated F_OK and the lazily loaded classes stay out).
const fsExports = [
  'constants',
  ...Object.keys(fs).filter((name) => /^[a-z]\w*$/.test(name) && typeof fs[name] === 'function'),
];
const fsWithoutLazyExports = {
  name: 'fs-without-lazy-exports',
  setup(b) {
    b.onResolve({ filter: /^node:fs$/ }, (args) =>
      args.kind === 'import-statement' && args.importer.startsWith(path.join(root, 'src') + path.sep)
        ? { path: 'node:fs', namespace: 'fs-without-lazy-exports' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'fs-without-lazy-exports' }, () => ({
      contents: `const fs = process.getBuiltinModule('node:fs');\nexport const { ${fsExports.join(', ')} } = fs;\n`,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Flat: every chunk sits in dist/bundle, two folders below the package (src/package-files.ts).
  chunkNames: 'chunk-[hash]',
  external: EXTERNAL,
  define: { ARGO_TS_BUNDLE_PACKAGE_ROOT: JSON.stringify('../../') },
  // Bundled CommonJS packages call require() for Node's modules, which ESM does not define: each
  // file gets one, made on its first call (most chunks never call it; making it costs at start-up).
  banner: {
    js: [
      "import { createRequire as __argoCreateRequire } from 'node:module';",
      'let __argoRequire;',
      'const require = new Proxy(function () {}, {',
      '  apply: (_, self, args) => (__argoRequire ??= __argoCreateRequire(import.meta.url))(...args),',
      '  get: (_, key) => (__argoRequire ??= __argoCreateRequire(import.meta.url))[key],',
      '});',
    ].join('\n'),
  },
  logLevel: 'warning',
  metafile: true,
  plugins: [lazyChildProcessForCommander, fsWithoutLazyExports],
});

/** A source path as seen from the package: a package's file under node_modules/, however linked. */
function fromPackageRoot(input) {
  const at = input.indexOf('node_modules/');
  return at > 0 ? input.slice(at) : input;
}

const inputs = Object.fromEntries(
  Object.entries(result.metafile.outputs).map(([file, out]) => [
    path.relative(outdir, path.join(root, file)),
    Object.keys(out.inputs).map(fromPackageRoot).sort(),
  ]),
);
writeFileSync(path.join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);
