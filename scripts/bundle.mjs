// Bundles the CLI for bin/argo.js: dist/bundle/main.cjs and the chunks it requires, from src/.
// A command's start-up is mostly Node finding, reading and compiling our modules one file at a
// time (about 200 for `argo list`); bundled, the same code comes in a handful of files. Dynamic
// imports stay split points outside the command paths grouped below, so a command still loads
// only the code it runs: the engine, the server, YAML parsers and the Kubernetes client stay in
// chunks that reads never open. tsc still type-checks and builds dist/ for the library
// (package.json's exports), which this leaves alone.
//
// The chunks are CommonJS, which bin/argo.js compiles itself to keep V8's code for them once a
// command has run (see there): Node's loaders give no way to do that for ES modules.
//
// It also writes dist/bundle/inputs.json: for each output file, the source files in it, so a test
// can tell which of our modules (and which packages) a command loaded from the chunks it opened.
import { rolldown } from 'rolldown';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = path.join(root, 'dist/bundle');

// Kept out of the bundle and loaded from node_modules as installed: native addons and the drivers
// that load them, and packages that read their own files at run time (jq-wasm's .wasm).
// (better-sqlite3's JavaScript is bundled, its addon is not: see BUNDLED_PACKAGES.)
const EXTERNAL = ['pg', 'mysql2', 'jq-wasm'];
const KUBERNETES_CLIENT = /[\\/]node_modules[\\/]@kubernetes[\\/]client-node[\\/]/;

// Chunks made of whole command paths. Split at every dynamic import, as bundlers do by default, a
// read opened some 50 files, one for each set of split points sharing a few modules; on Node 24,
// where `node -e 0` itself takes 30 ms, finding and linking them was most of what a read cost.
// Each group holds everything its roots import statically (what an earlier group holds aside):
// `cli` is the command tree every command builds (and `argo version`), `read` the local backend,
// the store and the printers that `list`, `get` and `logs` run, so a read loads
// its path in two files, with a little of another read's, never the engine (the e2e test
// startup-imports holds that). Modules outside them (the engine, the server, the Kubernetes and
// HTTP backends, YAML) are split as before.
const GROUPS = [
  { name: 'cli', roots: ['cli/program.ts', 'client/version.ts', 'cli/output/version.ts'] },
  {
    name: 'read',
    roots: [
      'cli/context.ts',
      'cli/follow.ts',
      'cli/commands/list-run.ts',
      'cli/request-timeout.ts',
      'client/index.ts',
      'client/local/client.ts',
      'client/local/heal.ts',
      'client/store/client.ts',
      'store/index.ts',
      'workflow/duration.ts',
      'workflow/node-field-selector.ts',
    ],
  },
];

/** For each module in a group, the group's name: computed once, from the whole module graph. */
function groupsOf(getModuleInfo) {
  const groupOf = new Map();
  for (const { name, roots } of GROUPS) {
    const todo = roots.map((r) => path.join(root, 'src', r));
    while (todo.length > 0) {
      const id = todo.pop();
      if (groupOf.has(id)) continue;
      const info = getModuleInfo(id);
      if (!info) throw new Error(`bundle group ${name}: no module ${id}`);
      groupOf.set(id, name);
      todo.push(...info.importedIds);
    }
  }
  return groupOf;
}

// commander requires child_process when it loads, for subcommands that are programs of their own
// (argo has none). That module is not in Node's start-up snapshot: loading it (and net, dgram and
// the streams it pulls in) cost every command a few milliseconds, so commander gets it on first use.
const LAZY_CHILD_PROCESS = '\0lazy-builtin:child_process';
// An ESM import of one of Node's modules makes Node build a facade of it, reading every export,
// lazy getters too. For three modules that costs: `node:process` runs those of process.report and
// others (7 ms of a read on Node 24), `node:fs` and `node:stream` load their `promises` (and
// fs/promises brings readline). Our modules and chalk (the one package bundled as ESM that reads
// load) get these from process.getBuiltinModule instead, with the exports that are values, not
// getters (importing a getter by name fails this build, not a command).
const BUILTIN = '\0builtin:';
const WITHOUT_FACADE = new Set(['fs', 'process', 'stream']);
const IMPORTERS_WITHOUT_FACADE = [path.join(root, 'src'), path.join(root, 'node_modules', 'chalk')];
const withoutFacade = (source, importer) =>
  WITHOUT_FACADE.has(source.replace(/^node:/, '')) &&
  IMPORTERS_WITHOUT_FACADE.some((dir) => importer.startsWith(dir + path.sep));
const NOT_BINDINGS = new Set(['default', 'arguments', 'eval']);
function builtinWithoutFacade(name) {
  const m = process.getBuiltinModule(name);
  const values = Object.getOwnPropertyNames(m).filter(
    (key) =>
      /^[A-Za-z_$][\w$]*$/.test(key) &&
      !NOT_BINDINGS.has(key) &&
      !Object.getOwnPropertyDescriptor(m, key).get,
  );
  // One read per name, marked pure, so the bundle keeps only the names a module imports: the
  // values listed are this (building) Node's, and a newer Node may have turned one into a getter
  // that warns when read (Node 24's fs.F_OK, DEP0176), which every command would then print.
  return [
    `const $module = process.getBuiltinModule(${JSON.stringify(name)});`,
    'const $read = (key) => $module[key];',
    'export default $module;',
    ...values.map((key) => `export const ${key} = /* @__PURE__ */ $read(${JSON.stringify(key)});`),
    '',
  ].join('\n');
}
// Node modules that our modules on the read paths import but only some commands call: zlib (for
// workflows whose nodes are stored compressed), timers/promises and os. Loaded at the top of a
// chunk, zlib alone cost a read a few milliseconds (it brings Node's stream machinery). Here each
// function they export is a stand-in that loads the module on its first call; anything else
// imported by name (a class, a constant) is read when the importing chunk loads, as before.
const LAZY = '\0lazy-builtin:';
const LAZY_BUILTINS = new Set(['zlib', 'timers/promises', 'os']);
// (chalk's supports-color reads os only on Windows.)
const IMPORTERS_LAZY = [path.join(root, 'src'), path.join(root, 'node_modules', 'chalk')];
const lazyImport = (source, importer) =>
  LAZY_BUILTINS.has(source.replace(/^node:/, '')) &&
  IMPORTERS_LAZY.some((dir) => importer.startsWith(dir + path.sep));
function lazyBuiltin(name) {
  const m = process.getBuiltinModule(name);
  const names = Object.getOwnPropertyNames(m).filter(
    (key) =>
      /^[A-Za-z_$][\w$]*$/.test(key) &&
      !NOT_BINDINGS.has(key) &&
      !Object.getOwnPropertyDescriptor(m, key).get,
  );
  // Lower-case functions are called, never constructed: a forwarding function stands in for them.
  const deferrable = (key) => typeof m[key] === 'function' && /^[a-z]/.test(key);
  return [
    'let $module;',
    `const $load = () => ($module ??= process.getBuiltinModule(${JSON.stringify(name)}));`,
    'const $read = (key) => $load()[key];',
    // `import os from 'node:os'`: the default export loads the module when a property is read.
    'export default /* @__PURE__ */ new Proxy({}, { get: (_, key) => $read(key) });',
    ...names.map((key) =>
      deferrable(key)
        ? `export function ${key}(...args) { return $load().${key}(...args); }`
        : `export const ${key} = /* @__PURE__ */ $read(${JSON.stringify(key)});`,
    ),
    '',
  ].join('\n');
}

// better-sqlite3's JavaScript is bundled as a file of its own (better-sqlite3.cjs, an entry below),
// its native addon still loaded from node_modules: required from there, its dozen files each cost
// a read Node's module resolution (package scopes, real paths), 10 to 15 ms on every command that
// opens the store. Our store loads it lazily through createRequire (src/store/sqlite/database.ts);
// in the bundle, createRequire gives a require that takes the bundled file for it and resolves
// paths as Node's does, so its addon is still found beside the installed package.
const BUNDLED_PACKAGES = { 'better-sqlite3': 'better-sqlite3' };
const CREATE_REQUIRE = '\0bundle:create-require';
const BUNDLED_REQUIRE_IMPORTERS = [path.join(root, 'src', 'store', 'sqlite', 'database.ts')];
function createRequireModule() {
  const files = Object.fromEntries(
    Object.entries(BUNDLED_PACKAGES).map(([pkg, name]) => [pkg, `./${name}.cjs`]),
  );
  return [
    `const bundled = ${JSON.stringify(files)};`,
    // The chunk's own require (bin/argo.js's, which runs the bundle's files), through a variable so
    // that this build leaves the call alone.
    'const requireChunk = require;',
    // A package's name resolves from the chunk's require as from `from` (both lie in this package);
    // anything else goes to node:module's createRequire, loaded only then: loading node:module sets
    // up Node's ES module loader, which a read otherwise never needs.
    'const isPackage = (id) => /^[^./\\\\]/.test(id) && !id.startsWith("node:");',
    'export function createRequire(from) {',
    '  let nodeRequire;',
    "  const fromNode = () => (nodeRequire ??= process.getBuiltinModule('node:module').createRequire(from));",
    '  const bundledRequire = (id) =>',
    '    Object.hasOwn(bundled, id) ? requireChunk(bundled[id]) : isPackage(id) ? requireChunk(id) : fromNode()(id);',
    '  bundledRequire.resolve = (id, options) =>',
    '    isPackage(id) && !options ? requireChunk.resolve(id) : fromNode().resolve(id, options);',
    '  return bundledRequire;',
    '}',
    '',
  ].join('\n');
}

// chalk asks node:tty whether stdout and stderr are terminals as it loads, and node:tty brings
// Node's network and stream modules: it gets src/cli/terminal.ts's answer instead, which loads
// node:tty only for a character device (a pipe or a file is never a terminal).
const CHALK_TTY = '\0bundle:chalk-tty';
const chalkTty = () =>
  [
    `import { isTerminal } from ${JSON.stringify(path.join(root, 'src', 'cli', 'terminal.ts'))};`,
    'export const isatty = isTerminal;',
    'export default { isatty };',
    '',
  ].join('\n');

const lazyBuiltins = {
  name: 'lazy-builtins',
  resolveId(source, importer, { kind }) {
    if (
      /^(node:)?tty$/.test(source) &&
      kind === 'import-statement' &&
      (importer ?? '').startsWith(path.join(root, 'node_modules', 'chalk') + path.sep)
    )
      return { id: CHALK_TTY };
    if (
      /^(node:)?module$/.test(source) &&
      kind === 'import-statement' &&
      BUNDLED_REQUIRE_IMPORTERS.includes(importer ?? '')
    )
      return { id: CREATE_REQUIRE };
    if (kind === 'import-statement' && lazyImport(source, importer ?? ''))
      return { id: `${LAZY}${source.replace(/^node:/, '')}` };
    if (
      /^(node:)?child_process$/.test(source) &&
      kind === 'require-call' &&
      /[\\/]node_modules[\\/]commander[\\/]/.test(importer ?? '')
    )
      return { id: LAZY_CHILD_PROCESS };
    if (kind === 'import-statement' && withoutFacade(source, importer ?? ''))
      return { id: `${BUILTIN}${source.replace(/^node:/, '')}` };
    return null;
  },
  load(id) {
    if (id === LAZY_CHILD_PROCESS)
      return `let m;\nmodule.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });\n`;
    if (id.startsWith(BUILTIN)) return builtinWithoutFacade(`node:${id.slice(BUILTIN.length)}`);
    if (id.startsWith(LAZY)) return lazyBuiltin(`node:${id.slice(LAZY.length)}`);
    if (id === CREATE_REQUIRE) return createRequireModule();
    if (id === CHALK_TTY) return chalkTty();
    return null;
  },
};

rmSync(outdir, { recursive: true, force: true });
let groupOf;
const bundle = await rolldown({
  cwd: root,
  input: {
    main: 'src/cli/main.ts',
    ...Object.fromEntries(
      Object.entries(BUNDLED_PACKAGES).map(([pkg, name]) => [name, path.join(root, 'node_modules', pkg)]),
    ),
  },
  platform: 'node',
  external: (id) => EXTERNAL.some((e) => id === e || id.startsWith(`${e}/`)),
  transform: { target: 'node20', define: { ARGO_TS_BUNDLE_PACKAGE_ROOT: JSON.stringify('../../') } },
  plugins: [lazyBuiltins],
  // @kubernetes/client-node does not say its modules are free of side effects, and an unused
  // module with side effects stays: of its 800 modules (the generated client and model of every
  // API) the Kubernetes commands use a few (KubeConfig, Watch, the request context). None of its
  // modules changes anything outside itself on load, so what is not imported is left out.
  treeshake: { moduleSideEffects: (id, external) => external || !KUBERNETES_CLIENT.test(id) },
  // A module imported both statically and dynamically is said to be so; that is how our lazy
  // imports are meant (a module the path already loaded costs nothing to import again).
  checks: { ineffectiveDynamicImport: false },
  logLevel: 'warn',
});
const { output } = await bundle.write({
  dir: outdir,
  format: 'cjs',
  // The packages kept out of the bundle are CommonJS: import() of one becomes require() (bin/argo.js
  // runs the bundle's files as scripts, where import() would need an experimental vm feature).
  dynamicImportInCjs: false,
  entryFileNames: '[name].cjs',
  // Flat: every chunk sits in dist/bundle, two folders below the package (src/package-files.ts).
  chunkFileNames: '[name]-[hash].cjs',
  codeSplitting: {
    groups: [
      {
        name: (id, ctx) => {
          groupOf ??= groupsOf((m) => ctx.getModuleInfo(m));
          return groupOf.get(id) ?? null;
        },
        debugName: 'command paths',
      },
    ],
  },
});
await bundle.close();

/** A source path as seen from the package: a package's file under node_modules/, however linked. */
function fromPackageRoot(id) {
  const at = id.indexOf('node_modules/');
  if (at > 0) return id.slice(at);
  return path.isAbsolute(id) ? path.relative(root, id) : id.replace(/^\0/, '');
}

const inputs = Object.fromEntries(
  output
    .filter((o) => o.type === 'chunk')
    .map((chunk) => [chunk.fileName, chunk.moduleIds.map(fromPackageRoot).sort()]),
);
writeFileSync(path.join(outdir, 'inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);
