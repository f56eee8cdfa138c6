// A running node whose pod is not seen: within RECENTLY_STARTED_POD_DURATION of the node starting
// the controller's view may just lag behind, so the node is looked at again instead of errored, as
// upstream's podReconciliation does; after that the pod counts as deleted.
import { afterEach, describe, expect, it } from 'vitest';
import { Reconciler } from '../../helpers/reconcile.js';

const ONE_STEP = `
metadata: {name: missing}
spec:
  entrypoint: main
  templates:
    - name: main
      container: {image: busybox}
`;

/** A workflow whose one pod runs, then vanishes from the controller's view. */
function runningThenGone(): Reconciler {
  const r = new Reconciler(ONE_STEP);
  r.pass();
  const pod = r.podOf('missing');
  pod.status = { phase: 'Running', startTime: r.now().toISOString() };
  r.pass();
  expect(r.node('missing').phase).toBe('Running');
  r.pods.delete(pod.metadata.name!);
  return r;
}

afterEach(() => {
  delete process.env.RECENTLY_STARTED_POD_DURATION;
});

describe('a running node whose pod is missing', () => {
  it('is not errored within 10 s of starting, and is looked at again when that grace ends', () => {
    const r = runningThenGone();
    r.advance(4_000);
    const early = r.pass();
    expect(r.node('missing').phase).toBe('Running');
    expect(r.wf.status?.phase).toBe('Running');
    // Woken when the grace ends (10 s after the node started), not left to the resync period.
    expect(early.requeueAfterMs).toBeGreaterThan(5_000);
    expect(early.requeueAfterMs).toBeLessThanOrEqual(6_001);

    r.advance(early.requeueAfterMs!);
    r.pass();
    expect(r.node('missing')).toMatchObject({ phase: 'Error', message: 'pod deleted' });
    expect(r.wf.status?.phase).toBe('Error');
  });

  it('is errored "pod deleted" at once when it started longer ago than the grace', () => {
    const r = runningThenGone();
    r.advance(11_000);
    r.pass();
    expect(r.node('missing')).toMatchObject({ phase: 'Error', message: 'pod deleted' });
  });

  it('takes the grace from RECENTLY_STARTED_POD_DURATION', () => {
    process.env.RECENTLY_STARTED_POD_DURATION = '1m';
    const r = runningThenGone();
    r.advance(45_000);
    r.pass();
    expect(r.node('missing').phase).toBe('Running');
    r.advance(16_000);
    r.pass();
    expect(r.node('missing')).toMatchObject({ phase: 'Error', message: 'pod deleted' });
  });
});
