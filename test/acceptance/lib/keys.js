// Keys name a workflow by its path under the folder given to the runner (`examples/loops.yaml`,
// `examples/two-workflows.yaml#2`). An entry written as a shorter or longer path still finds it,
// so the lists work whether the runner was given `reference/examples` or `reference`.

/** Whether an entry key names the workflow key. */
export function keyMatches(entryKey, key) {
  return entryKey === key || key.endsWith(`/${entryKey}`) || entryKey.endsWith(`/${key}`);
}

/** The entry of `map` for a workflow: its own `file#N` entry first, then one for its whole file. */
export function lookup(map, key, fileKey = key) {
  for (const wanted of key === fileKey ? [key] : [key, fileKey]) {
    if (map.has(wanted)) return { key: wanted, value: map.get(wanted) };
    for (const [entryKey, value] of map) if (keyMatches(entryKey, wanted)) return { key: entryKey, value };
  }
  return undefined;
}
