// ARGO_TS_TRACE_STEPS=1: `argo submit --wait` on the embedded engine tells on stderr where each
// step's time goes, one stamped line per hand-over; without it, nothing of the kind is printed.
import { describe, expect, it } from 'vitest';
import { fixture, lines, useCli } from './cli.js';

const cli = useCli();

interface TraceLine {
  ms: number;
  event: string;
  subject: string;
}

function traceLines(stderr: string): TraceLine[] {
  return lines(stderr)
    .filter((l) => l.startsWith('trace '))
    .map((l) => {
      const [, ms, ...rest] = l.split(' ');
      return { ms: Number(ms), event: rest.slice(0, -1).join(' '), subject: rest[rest.length - 1] };
    });
}

/** The hand-overs of one pod's life, in the order they must happen. */
const POD_LIFE = [
  'pod created',
  'starting main',
  'exited main',
  'task result written',
  // The embedded store tells its watchers of a write as it commits: before the writer goes on.
  'controller sees Pod Succeeded',
  'status written',
];

describe('ARGO_TS_TRACE_STEPS', () => {
  it('traces each step of a sequential workflow through the engine, in order', async () => {
    const r = await cli.run(['submit', fixture('three-steps.yaml'), '--wait', '-o', 'name'], {
      env: { ARGO_TS_TRACE_STEPS: '1' },
    });
    expect(r.code).toBe(0);
    const trace = traceLines(r.stderr);
    // Every line on stderr is a trace line.
    expect(trace).toHaveLength(lines(r.stderr).length);
    const pods = [...new Set(trace.filter((t) => t.event === 'pod created').map((t) => t.subject))];
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      const seen = POD_LIFE.map((event) => trace.find((t) => t.subject === pod && t.event === event));
      expect(seen.map((t) => t?.event)).toEqual(POD_LIFE);
      const times = seen.map((t) => t!.ms);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    }
  });

  it('costs the controller one pass per step: the events of its own writes queue none', async () => {
    const r = await cli.run(['submit', fixture('three-steps.yaml'), '--wait', '-o', 'name'], {
      env: { ARGO_TS_TRACE_STEPS: '1' },
    });
    expect(r.code).toBe(0);
    const trace = traceLines(r.stderr);
    const passes = trace.flatMap((t, i) => (t.event === 'pass starts' ? [i] : []));
    // News for the workflow: a task result, or a pod that runs or ended (not the ADDED of a pod
    // the controller created itself).
    const isNews = (t: TraceLine): boolean =>
      t.event === 'controller sees WorkflowTaskResult' ||
      /^controller sees Pod (Running|Succeeded|Failed)$/.test(t.event);
    // The first pass starts the first step and asks for the one after it (upstream's first
    // reconciling of pods); every later pass has news since the pass before, so no pass runs for
    // the controller's own write of the workflow.
    const unprompted = passes
      .slice(2)
      .filter((at, n) => !trace.slice(passes[n + 1], at).some(isNews))
      .map((at) => trace[at].ms);
    expect(unprompted).toEqual([]);
    // Each step's end is a pass (its task result and pod status may come apart: two at most). The
    // pass asked for after the first may come late enough (paced after a costly first pass, on a
    // loaded machine) to find the first step ended already: then it is that step's pass too.
    expect(passes.length).toBeGreaterThanOrEqual(1 + 3);
    expect(passes.length).toBeLessThanOrEqual(2 + 2 * 3);
  });

  it("starts each step's container before the controller writes the workflow that records it", async () => {
    const r = await cli.run(['submit', fixture('three-steps.yaml'), '--wait', '-o', 'name'], {
      env: { ARGO_TS_TRACE_STEPS: '1' },
    });
    expect(r.code).toBe(0);
    const trace = traceLines(r.stderr);
    const created = trace.flatMap((t, i) => (t.event === 'pod created' ? [i] : []));
    expect(created).toHaveLength(3);
    // The write of the pass that created a pod is not on that pod's way to its container: the
    // engine shares one process with the runtime, and the write waits a turn of the event loop.
    for (const at of created) {
      const pod = trace[at].subject;
      const next = trace
        .slice(at)
        .find((t) => t.event === 'workflow written' || (t.event === 'starting main' && t.subject === pod));
      expect({ pod, first: next?.event }).toEqual({ pod, first: 'starting main' });
    }
  });

  it('prints nothing when not set', async () => {
    const r = await cli.run(['submit', fixture('three-steps.yaml'), '--wait', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });
});
