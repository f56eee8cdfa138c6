// Which of two copies of one object is newer. The page receives a workflow from two sources that race:
// the watch stream and the reply to an action (suspend, resume, ...). A reply that arrives after the
// stream's later events must not put the older copy back: the stream sends nothing more once the
// workflow has completed, and the page would stay on a stale phase for good.

/**
 * Whether `next` is no older than `current`. Kubernetes calls resource versions opaque, but both
 * etcd and this project's store hand out increasing integers; a version that is not one is taken as
 * newer, as a client that cannot compare them would.
 */
export function isNotOlder(
  next: { metadata?: { resourceVersion?: string } },
  current: { metadata?: { resourceVersion?: string } } | undefined,
): boolean {
  const a = next.metadata?.resourceVersion;
  const b = current?.metadata?.resourceVersion;
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return a.length !== b.length ? a.length > b.length : a >= b;
}
