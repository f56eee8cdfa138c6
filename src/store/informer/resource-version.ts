// Ordering resourceVersions. Kubernetes calls them opaque, but both stores here and the API
// server's etcd hand out increasing integers (one sequence per store, across kinds), and a watch
// delivers them in that order; the informer's cache relies on it to tell older from later.

/**
 * -1, 0 or 1 as version `a` is earlier than, the same as, or later than `b`; undefined when either
 * is missing or not an integer, so callers fall back to what they did without an order.
 */
export function compareResourceVersions(a: string | undefined, b: string | undefined): number | undefined {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return undefined;
  // Compared as digit strings: no precision lost past 2^53, and no leading zeros are ever handed out.
  if (a.length !== b.length) return a.length > b.length ? 1 : -1;
  return a === b ? 0 : a > b ? 1 : -1;
}
