// Validation cost per step as a steps template grows: a workflow of N sequential steps, each
// calling its own template, validated as `argo lint`/`argo submit` do, at N and 4N steps. Linear
// validation takes about 4x as long for 4x the steps; the per-step scope copy and template search
// this engine once had made it about 16x (80k templates took minutes).
// Run after `npm run build`: node bench/validate-steps.js [--steps 2000]
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '2000' } } });
const SMALL = Number(values.steps);

const { validateWorkflow } = await import('../dist/workflow/validate/index.js');

function workflow(n) {
  const steps = [];
  const templates = [];
  for (let i = 0; i < n; i++) {
    steps.push([
      { name: `s${i}`, template: `t${i}`, arguments: { parameters: [{ name: 'msg', value: `m${i}` }] } },
    ]);
    templates.push({
      name: `t${i}`,
      inputs: { parameters: [{ name: 'msg' }] },
      container: { image: 'alpine', command: ['echo', '{{inputs.parameters.msg}}'] },
    });
  }
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: `steps${n}`, namespace: 'default' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', steps }, ...templates] },
  };
}

function seconds(n) {
  const wf = workflow(n);
  const ctx = { getTemplate: () => undefined };
  const start = process.hrtime.bigint();
  const problems = validateWorkflow(wf, ctx);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  if (problems.length) throw new Error(`steps${n}: ${problems[0].message}`);
  return s;
}

seconds(100); // warm up
const small = seconds(SMALL);
const large = seconds(4 * SMALL);
console.log(
  `validate: 4x the steps took ${(large / small).toFixed(1)}x as long ` +
    `(${SMALL} steps ${small.toFixed(2)} s, ${4 * SMALL} steps ${large.toFixed(2)} s; linear is 4x)`,
);
