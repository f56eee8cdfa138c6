// Times as the UI shows them: durations like `1m 5s`, instants relative to now.

/** `2h 3m`, `1m 5s`, `4s` from seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${rest}s`;
  return `${rest}s`;
}

/** From `startedAt` to `finishedAt`, or to `now` while it runs; empty before it starts. */
export function duration(
  startedAt: string | undefined,
  finishedAt: string | undefined,
  now = Date.now(),
): string {
  if (!startedAt) return '';
  const end = finishedAt ? Date.parse(finishedAt) : now;
  return formatDuration((end - Date.parse(startedAt)) / 1000);
}

/** `5s ago`, `3m ago`, `2h ago`, `4d ago`. */
export function ago(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '';
  const s = Math.max(0, (now - Date.parse(timestamp)) / 1000);
  if (s < 60) return `${Math.floor(s)}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
