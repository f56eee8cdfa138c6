// Every `workflow.*` variable upstream's controller sets (workflow/common GlobalVar* and the
// operator's global parameters), read back from what an exit handler's container was given.
import { describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { runWorkflow } from '../../helpers/run-workflow.js';

/** The variables the exit handler prints, one `name=value` argument each. */
const VARIABLES = [
  'workflow.name',
  'workflow.namespace',
  'workflow.uid',
  'workflow.serviceAccountName',
  'workflow.mainEntrypoint',
  'workflow.creationTimestamp',
  'workflow.creationTimestamp.RFC3339',
  'workflow.creationTimestamp.s',
  'workflow.creationTimestamp.Y',
  'workflow.creationTimestamp.m',
  'workflow.creationTimestamp.d',
  'workflow.creationTimestamp.H',
  'workflow.creationTimestamp.M',
  'workflow.creationTimestamp.S',
  'workflow.creationTimestamp.b',
  'workflow.creationTimestamp.y',
  'workflow.priority',
  'workflow.duration',
  'workflow.status',
  'workflow.failures',
  'workflow.labels.team',
  'workflow.labels',
  'workflow.labels.json',
  'workflow.annotations.note',
  'workflow.annotations',
  'workflow.annotations.json',
  'workflow.parameters.who',
  'workflow.parameters',
  'workflow.parameters.json',
  'workflow.outputs.parameters.made',
  'workflow.scheduledTime',
];

const MANIFEST = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: globals
  labels: {team: blue}
  annotations: {note: hello, workflows.argoproj.io/scheduled-time: "2026-01-02T03:04:05Z"}
spec:
  entrypoint: main
  onExit: report
  serviceAccountName: runner
  priority: 7
  arguments: {parameters: [{name: who, value: world}]}
  templates:
  - name: main
    steps:
    - - {name: make, template: make}
    - - {name: break, template: break}
  - name: make
    container: {image: busybox, command: [sh, -c, 'echo made > /tmp/made']}
    outputs: {parameters: [{name: made, globalName: made, valueFrom: {path: /tmp/made}}]}
  - name: break
    container: {image: busybox, command: [sh, -c, 'exit 1']}
  - name: report
    container:
      image: busybox
      command: [echo]
      args: [${VARIABLES.map((v) => JSON.stringify(`${v}={{${v}}}`)).join(', ')}]
`;

const pad = (n: number): string => String(n).padStart(2, '0');
const json = (text: string): unknown => JSON.parse(text);

/** What each variable must be, given the finished workflow. */
function expectations(wf: Workflow): [string, (value: string) => void][] {
  const created = wf.metadata.creationTimestamp!;
  const c = new Date(created);
  const is = (want: string) => (v: string) => expect(v).toBe(want);
  return [
    ['workflow.name', is('globals')],
    ['workflow.namespace', is('default')],
    ['workflow.uid', is(wf.metadata.uid!)],
    ['workflow.serviceAccountName', is('runner')],
    ['workflow.mainEntrypoint', is('main')],
    ['workflow.creationTimestamp', is(created)],
    ['workflow.creationTimestamp.RFC3339', is(created)],
    ['workflow.creationTimestamp.s', is(String(Math.floor(c.getTime() / 1000)))],
    ['workflow.creationTimestamp.Y', is(String(c.getUTCFullYear()))],
    ['workflow.creationTimestamp.m', is(pad(c.getUTCMonth() + 1))],
    ['workflow.creationTimestamp.d', is(pad(c.getUTCDate()))],
    ['workflow.creationTimestamp.H', is(pad(c.getUTCHours()))],
    ['workflow.creationTimestamp.M', is(pad(c.getUTCMinutes()))],
    ['workflow.creationTimestamp.S', is(pad(c.getUTCSeconds()))],
    ['workflow.creationTimestamp.b', is(c.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }))],
    ['workflow.creationTimestamp.y', is(pad(c.getUTCFullYear() % 100))],
    ['workflow.priority', is('7')],
    // Seconds since the workflow started, as Go's %f prints them.
    ['workflow.duration', (v) => expect(v).toMatch(/^\d+\.\d{6}$/)],
    ['workflow.status', is('Failed')],
    [
      'workflow.failures',
      (v) =>
        // Every failed node: the pod, and the steps above it.
        expect(json(v)).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ displayName: 'break', templateName: 'break', phase: 'Failed' }),
          ]),
        ),
    ],
    ['workflow.labels.team', is('blue')],
    ['workflow.labels', (v) => expect(json(v)).toMatchObject({ team: 'blue' })],
    ['workflow.labels.json', (v) => expect(json(v)).toMatchObject({ team: 'blue' })],
    ['workflow.annotations.note', is('hello')],
    ['workflow.annotations', (v) => expect(json(v)).toMatchObject({ note: 'hello' })],
    ['workflow.annotations.json', (v) => expect(json(v)).toMatchObject({ note: 'hello' })],
    ['workflow.parameters.who', is('world')],
    ['workflow.parameters', (v) => expect(json(v)).toEqual([{ name: 'who', value: 'world' }])],
    ['workflow.parameters.json', (v) => expect(json(v)).toEqual([{ name: 'who', value: 'world' }])],
    ['workflow.outputs.parameters.made', is('made')],
    ['workflow.scheduledTime', is('2026-01-02T03:04:05Z')],
  ];
}

describe('workflow.* global variables', () => {
  it('has an expectation for every variable the exit handler prints', () => {
    expect(
      expectations({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z', uid: 'u' } } as Workflow).map(
        ([n]) => n,
      ),
    ).toEqual(VARIABLES);
  });

  it('are all substituted, with the values upstream gives them', async () => {
    let printed: string[] | undefined;
    const { wf } = await runWorkflow(MANIFEST, {
      behaviour: (tmpl: Template) => {
        if (tmpl.name === 'report') printed = tmpl.container?.args;
        if (tmpl.name === 'break') return { exitCode: 1 };
        return { parameters: { made: 'made' } };
      },
    });
    expect(wf.status?.phase).toBe('Failed');
    expect(printed).toBeDefined();
    const values = new Map(
      printed!.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    for (const [name, check] of expectations(wf)) {
      const value = values.get(name);
      expect(value, name).not.toContain('{{');
      check(value!);
    }
  });
});
