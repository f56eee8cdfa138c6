// Drives a workflow's reconcile passes in this process the way the controller runs them (each
// pass on the copy the last one returned, node ids kept between passes), with no processes, store
// or timers: every pod a pass asks for ends, succeeded, before the next pass, and the clock moves
// a second per pass. Shared by the benchmarks that time operate() alone.
const { WorkflowOperation } = await import('../../dist/controller/operator.js');

/** Passes until the workflow succeeds: the CPU time spent in operate() (ms) and the passes run. */
export function drivePasses(wf, start, maxPasses) {
  let clock = start;
  const pods = new Map();
  const nodeIds = new Map();
  let spent = 0;
  let passes = 0;
  for (; wf.status?.phase !== 'Succeeded'; passes++) {
    if (passes > maxPasses)
      throw new Error(`${wf.metadata.name}: not done after ${passes} passes (${wf.status?.phase})`);
    const before = process.cpuUsage();
    const op = new WorkflowOperation(
      wf,
      {
        now: () => new Date(clock),
        getWorkflowTemplate: () => undefined,
        getClusterWorkflowTemplate: () => undefined,
        getConfigMap: () => undefined,
        getPod: (_ns, name) => pods.get(name),
        getTaskResult: () => undefined,
        nodeIds,
      },
      { owned: passes > 0 },
    );
    const result = op.operate();
    const used = process.cpuUsage(before);
    spent += (used.user + used.system) / 1000;
    wf = result.workflow;
    const at = new Date(clock).toISOString();
    for (const pod of result.podsToCreate) {
      const terminated = { exitCode: 0, startedAt: at, finishedAt: at };
      pods.set(pod.metadata.name, {
        ...pod,
        status: {
          phase: 'Succeeded',
          startTime: at,
          containerStatuses: [{ name: 'main', state: { terminated } }],
        },
      });
    }
    clock += 1000;
  }
  return { ms: spent, passes };
}
