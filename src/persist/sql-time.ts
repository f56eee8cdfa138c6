// Archive timestamps are `timestamp` columns holding UTC wall-clock time, as upstream writes them.

/** RFC 3339 (`2026-01-02T03:04:05Z`) to the `YYYY-MM-DD HH:MM:SS` text all three databases take. */
export function toSqlTime(rfc3339: string): string {
  const t = new Date(rfc3339);
  if (Number.isNaN(t.getTime())) throw new Error(`invalid timestamp "${rfc3339}"`);
  return t.toISOString().slice(0, 19).replace('T', ' ');
}

/** A timestamp column's UTC text (or a Date) back to RFC 3339 at second precision, as Kubernetes times are. */
export function fromSqlTime(value: unknown): string {
  let t: Date;
  if (value instanceof Date) t = value;
  else {
    const text = String(value).trim().replace(' ', 'T');
    t = new Date(/(Z|[+-]\d\d(:?\d\d)?)$/.test(text) ? text : `${text}Z`);
  }
  if (Number.isNaN(t.getTime())) throw new Error(`invalid timestamp ${JSON.stringify(value)} in the archive`);
  return t.toISOString().slice(0, 19) + 'Z';
}
