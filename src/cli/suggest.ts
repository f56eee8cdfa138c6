// cobra's "Did you mean this?": commands whose name is within two edits of what was typed (ignoring
// case), or that start with it.

/** Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The names cobra would suggest for `typed`, in the order given. */
export function suggestionsFor(typed: string, names: readonly string[]): string[] {
  const t = typed.toLowerCase();
  return names.filter((name) => {
    const n = name.toLowerCase();
    return editDistance(t, n) <= 2 || n.startsWith(t);
  });
}
