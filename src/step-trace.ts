// ARGO_TS_TRACE_STEPS=1: one line on stderr, stamped with the milliseconds since the process
// started, at each hand-over on a pod's way through the embedded engine (the controller's pass
// creates it, the host runtime sees it and starts its container, the container ends, its result
// and status are written, the controller sees them and passes again), so where a step's time goes
// can be read off a run: `trace 123.4 EVENT SUBJECT`. Off, a call costs one comparison.
const enabled = process.env.ARGO_TS_TRACE_STEPS === '1';

export function traceStep(event: string, subject: string | undefined): void {
  if (enabled) process.stderr.write(`trace ${performance.now().toFixed(1)} ${event} ${subject ?? ''}\n`);
}
