// Data a step outputs, handed to the next step, is substituted as upstream's SubstituteParams does
// it: the receiving template (its input values included) gets one pass of the workflow's globals
// and expressions, then one pass of its inputs. So `{{workflow.name}}` and `{{=...}}` in the data
// are evaluated there, as upstream evaluates them; references to other steps stay text, and the
// data's own `{{inputs...}}` is not expanded again where the data is used.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/model/pod.js';
import { nodeByName, runWorkflow } from '../../helpers/run-workflow.js';

const DATA =
  "{{workflow.name}} {{=sprig.repeat(3, 'z')}} {{steps.gen.outputs.result}} {{inputs.parameters.b}}";

const WORKFLOW = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: od}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: gen
        template: gen
    - - name: use
        template: use
        arguments:
          parameters:
          - {name: a, value: "{{steps.gen.outputs.result}}"}
          - {name: b, value: B}
  - name: gen
    script: {image: busybox, command: [sh], source: "cat data"}
  - name: use
    inputs:
      parameters: [{name: a}, {name: b}]
    container: {image: busybox, command: [echo], args: ["{{inputs.parameters.a}}"]}
`;

describe("a step's output used by the next step", () => {
  it('is substituted once with globals and once with inputs, as upstream does', async () => {
    const pods = new Map<string, Pod>();
    const { wf } = await runWorkflow(WORKFLOW, {
      behaviour: (tmpl, pod) => {
        pods.set(tmpl.name ?? '', pod);
        return tmpl.name === 'gen' ? { stdout: DATA } : {};
      },
    });
    expect(wf.status?.phase).toBe('Succeeded');
    expect(nodeByName(wf, 'od[0].gen').outputs?.result).toBe(DATA);
    // The input's value went through both passes.
    const input = nodeByName(wf, 'od[1].use').inputs?.parameters?.find((p) => p.name === 'a');
    expect(input?.value).toBe('od zzz {{steps.gen.outputs.result}} B');
    // Where it is used, the inputs pass put the value in once and did not read it again.
    const main = pods.get('use')?.spec.containers.find((c) => c.name === 'main');
    expect(main?.args).toEqual(['od zzz {{steps.gen.outputs.result}} {{inputs.parameters.b}}']);
  });
});
