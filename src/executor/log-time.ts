// Log line timestamps: RFC 3339 in UTC with nanoseconds, as the kubelet writes them. Fixed width
// (always nine digits) so lines also sort as text. Nanoseconds come from the monotonic clock
// anchored to the wall clock once, so lines written in order never go back in time.

const anchorNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

export function nowNano(): string {
  const ns = anchorNs + process.hrtime.bigint();
  const ms = Number(ns / 1_000_000n);
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const fraction = String(ns % 1_000_000_000n).padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

/** Milliseconds since the epoch of an RFC 3339 time with any number of fraction digits. */
export function parseTime(text: string): number {
  return Date.parse(text.replace(/(\.\d{3})\d+/, '$1'));
}
