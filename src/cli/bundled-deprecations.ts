// Node warns about the `punycode` module (DEP0040) and `url.parse()` (DEP0169) only when the
// caller is outside node_modules, because those warnings are meant for a program's own code, not
// for its dependencies. The CLI runs from a bundle (dist/bundle), which moves the dependencies that
// still use them (node-fetch 2 and whatwg-url under @kubernetes/client-node, proxy agents) out of
// node_modules, so Node 22+ printed both on stderr of every Kubernetes command. This puts Node's own
// rule back for the bundle: those two codes are dropped, every other warning goes through.
// Our own code does not use either API (eslint's no-restricted-imports/properties hold that).
const FROM_DEPENDENCIES = new Set(['DEP0040', 'DEP0169']);

type EmitWarning = typeof process.emitWarning;

/** The code of a warning as process.emitWarning takes it: (w, type, code) or (w, { code }). */
function warningCode(rest: unknown[]): unknown {
  const [typeOrOptions, code] = rest;
  if (typeOrOptions && typeof typeOrOptions === 'object') return (typeOrOptions as { code?: unknown }).code;
  return code;
}

export function silenceDependencyDeprecations(): void {
  const emit: EmitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]): void {
    if (FROM_DEPENDENCIES.has(warningCode(rest) as string)) return;
    (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as EmitWarning;
}
