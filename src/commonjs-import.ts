// A CommonJS package loaded with a dynamic import. Node gives its exports as the namespace's named
// members and as `default`; in the CLI's bundle (scripts/bundle.mjs) such a package becomes a chunk
// of its own that exports only `default`, so destructuring the namespace finds nothing there. Both
// hold `module.exports` as `default`: that is what this returns.
export async function commonJsExports<T extends object>(load: Promise<T>): Promise<T> {
  const ns = (await load) as T & { default?: T };
  return ns.default ?? ns;
}
