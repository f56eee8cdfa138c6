// Argo's validation rules, each with a workflow that breaks it (and Argo's message) and one that
// satisfies it.
import { describe, expect, it } from 'vitest';
import { echoTemplate, problemOf, problemsOf, workflow } from './validate-helpers.js';

const hello = workflow(`
  - name: main
    container:
      image: alpine
      command: [echo, hello]
`);

describe('workflow basics', () => {
  it('accepts a minimal workflow', () => {
    expect(problemsOf(hello)).toEqual([]);
  });

  it('limits the workflow name to 63 characters', () => {
    const name = 'a'.repeat(64);
    const wf = hello.replace('generateName: test-', `name: ${name}`);
    expect(problemOf(wf)).toBe(
      `workflow name "${name}" must not be more than 63 characters long (currently 64)`,
    );
    expect(problemOf(hello.replace('generateName: test-', `name: ${'a'.repeat(63)}`))).toBeUndefined();
  });

  it('requires an entrypoint that exists', () => {
    expect(problemOf(hello.replace('entrypoint: main', 'onExit: main'))).toBe('spec.entrypoint is required');
    expect(problemOf(hello.replace('entrypoint: main', 'entrypoint: mian'))).toBe(
      "template name 'mian' undefined",
    );
  });

  it('requires unique, valid template names', () => {
    const dup = workflow(`
  - name: main
    suspend: {}
  - name: main
    suspend: {}
`);
    expect(problemOf(dup)).toBe("spec.templates[1].name 'main' is not unique");
    const bad = workflow(`
  - name: main
    suspend: {}
  - name: bad_name
    suspend: {}
`);
    expect(problemOf(bad)).toBe(
      "spec.templates[1].name: 'bad_name' is invalid: name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)",
    );
    const unnamed = workflow(`
  - name: main
    suspend: {}
  - suspend: {}
`);
    expect(problemOf(unnamed)).toBe('spec.templates[1].name is required');
  });

  it('requires exactly one template type', () => {
    const none = workflow(`
  - name: main
    inputs: {}
`);
    expect(problemOf(none)).toBe("template 'main' type is unknown");
    const two = workflow(`
  - name: main
    suspend: {}
    container: {image: alpine}
`);
    expect(problemOf(two)).toBe(
      'templates.main multiple template types specified. choose one of: container, containerSet, steps, script, resource, dag, suspend, template, template ref',
    );
  });

  it('checks the onExit template exists', () => {
    expect(problemOf(hello.replace('entrypoint: main', 'entrypoint: main\n  onExit: cleanup'))).toBe(
      "template name 'cleanup' undefined",
    );
    const ok = workflow(
      `
  - name: main
    suspend: {}
  - name: cleanup
    container: {image: alpine, command: [echo, "{{workflow.status}} {{workflow.failures}}"]}
`,
      'entrypoint: main\nonExit: cleanup',
    );
    expect(problemOf(ok)).toBeUndefined();
  });

  it('checks lifecycle hooks other than exit have an expression', () => {
    const wf = workflow(
      `
  - name: main
    suspend: {}
`,
      'entrypoint: main\nhooks:\n  running:\n    template: main',
    );
    expect(problemOf(wf)).toBe('hooks.running Expression required');
    expect(
      problemOf(wf.replace('template: main', 'template: main\n      expression: "true"')),
    ).toBeUndefined();
  });

  it('checks the pod GC strategy and selector', () => {
    expect(problemOf(hello.replace('entrypoint: main', 'entrypoint: main\n  podGC: {strategy: Foo}'))).toBe(
      "podGC.strategy unknown strategy 'Foo'",
    );
    expect(
      problemOf(hello.replace('entrypoint: main', 'entrypoint: main\n  podGC: {strategy: OnPodSuccess}')),
    ).toBeUndefined();
    const selector = hello.replace(
      'entrypoint: main',
      'entrypoint: main\n  podGC:\n    labelSelector:\n      matchExpressions: [{key: a, operator: Near}]',
    );
    expect(problemOf(selector)).toBe(
      'podGC.labelSelector invalid: "Near" is not a valid label selector operator',
    );
  });

  it('checks workflow-level pod resources', () => {
    const wf = hello.replace('entrypoint: main', 'entrypoint: main\n  podResources: {limits: {gpu: "1"}}');
    expect(problemOf(wf)).toBe(
      'spec.podResources: "gpu" is not a valid pod-level resource, only cpu, memory and hugepages-* are supported',
    );
    expect(problemOf(wf.replace('gpu', 'memory'))).toBeUndefined();
  });
});

describe('arguments', () => {
  const withArgs = (args: string) =>
    workflow(
      `
  - name: main
    inputs:
      parameters: [{name: message}]
    container: {image: alpine, command: [echo, "{{inputs.parameters.message}} {{workflow.parameters.message}}"]}
`,
      `entrypoint: main\narguments:\n  parameters:\n${args}`,
    );

  it('requires values at submission but not when linting', () => {
    const wf = withArgs('  - name: message');
    expect(problemOf(wf, { lint: false })).toBe(
      'spec.arguments.message.value or spec.arguments.message.valueFrom is required',
    );
    // The entrypoint still needs its input, which the argument without a value cannot give.
    expect(problemOf(wf, { lint: true })).toBe('templates.main inputs.parameters.message was not supplied');
    expect(problemOf(withArgs('  - name: message\n    value: hi'), { lint: false })).toBeUndefined();
  });

  it('checks enums', () => {
    expect(problemOf(withArgs('  - name: message\n    value: c\n    enum: [a, b]'))).toBe(
      'spec.arguments.message.value should be present in spec.arguments.message.enum list',
    );
    expect(problemOf(withArgs('  - name: message\n    value: a\n    enum: []'))).toBe(
      'spec.arguments.message.enum should contain at least one value',
    );
    expect(problemOf(withArgs('  - name: message\n    value: 2\n    enum: [1, 2]'))).toBeUndefined();
  });

  it('limits valueFrom at workflow level', () => {
    expect(problemOf(withArgs('  - name: message\n    valueFrom: {path: /tmp/x}'))).toBe(
      'spec.arguments.message.valueFrom only allows: default, configMapKeyRef and supplied',
    );
  });

  it('checks parameter names', () => {
    expect(problemOf(withArgs('  - name: "bad name"\n    value: x'))).toBe(
      "spec.arguments.parameters[0].name: 'bad name' is invalid: Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1",
    );
  });

  it('requires artifact arguments to say where they are', () => {
    const wf = hello.replace(
      'entrypoint: main',
      'entrypoint: main\n  arguments:\n    artifacts: [{name: data}]',
    );
    expect(problemOf(wf)).toBe('spec.arguments.data.from, artifact location, or key is required');
    expect(problemOf(wf.replace('{name: data}', '{name: data, raw: {data: x}}'))).toBeUndefined();
  });
});

describe('steps', () => {
  const steps = (body: string, extra = echoTemplate()) =>
    workflow(`
  - name: main
    steps:
${body}
${extra}`);

  it('resolves step templates', () => {
    expect(problemOf(steps('    - - name: a\n        template: nope'))).toBe(
      "templates.main.steps[0].a template name 'nope' undefined",
    );
    expect(
      problemOf(
        steps(
          '    - - name: a\n        template: echo\n        arguments: {parameters: [{name: message, value: hi}]}',
        ),
      ),
    ).toBeUndefined();
  });

  it('requires a step to name something to run', () => {
    expect(problemOf(steps('    - - name: a'))).toBe('templates.main.steps[0].a failed to get a template');
  });

  it('requires step names, unique and valid', () => {
    expect(problemOf(steps('    - - template: echo'))).toBe('templates.main.steps[0].name is required');
    const dup = steps(`    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: hi}]}
    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: hi}]}`);
    expect(problemOf(dup)).toBe("templates.main.steps[1].name 'a' is not unique");
    expect(problemOf(steps('    - - name: A_b\n        template: echo'))).toMatch(
      /^templates\.main\.steps\[0\]\.name 'A_b' is invalid: /,
    );
  });

  it('requires inputs to be given', () => {
    expect(problemOf(steps('    - - name: a\n        template: echo'))).toBe(
      'templates.main.steps[0].a templates.echo inputs.parameters.message was not supplied',
    );
    const withDefault = echoTemplate().replace('- name: message', '- name: message\n          default: hi');
    expect(problemOf(steps('    - - name: a\n        template: echo', withDefault))).toBeUndefined();
  });

  it('finds misspelled input references', () => {
    const typo = echoTemplate().replace('{{inputs.parameters.message}}', '{{inputs.parameters.mesage}}');
    expect(
      problemOf(
        steps(
          '    - - name: a\n        template: echo\n        arguments: {parameters: [{name: message, value: hi}]}',
          typo,
        ),
      ),
    ).toBe('templates.main.steps[0].a templates.echo: failed to resolve {{inputs.parameters.mesage}}');
  });

  it('lets a step use the outputs of earlier steps only', () => {
    const producer = `
  - name: produce
    script:
      image: alpine
      source: echo hi
`;
    const ok = steps(
      `    - - name: a
        template: produce
    - - name: b
        template: echo
        arguments: {parameters: [{name: message, value: "{{steps.a.outputs.result}}"}]}`,
      echoTemplate() + producer,
    );
    expect(problemOf(ok)).toBeUndefined();
    const early = steps(
      `    - - name: b
        template: echo
        arguments: {parameters: [{name: message, value: "{{steps.a.outputs.result}}"}]}
    - - name: a
        template: produce`,
      echoTemplate() + producer,
    );
    expect(problemOf(early)).toBe('templates.main.steps failed to resolve {{steps.a.outputs.result}}');
  });

  it('checks loops', () => {
    const both = steps(`    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: "{{item}}"}]}
        withItems: [1, 2]
        withParam: "[1, 2]"`);
    expect(problemOf(both)).toBe(
      'templates.main.steps[0].a only one of withItems, withParam, withSequence can be specified',
    );
    const mapKeys = steps(`    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: "{{item.colour}}"}]}
        withItems: [{color: red}]`);
    expect(problemOf(mapKeys)).toBe('templates.main.steps failed to resolve {{item.colour}}');
    expect(problemOf(mapKeys.replace('item.colour', 'item.color'))).toBeUndefined();
    const param = steps(`    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: "{{item.anything}}"}]}
        withParam: "[]"`);
    expect(problemOf(param)).toBeUndefined();
    const sequence = steps(`    - - name: a
        template: echo
        arguments: {parameters: [{name: message, value: "{{item}}"}]}
        withSequence: {count: "3", end: "5"}`);
    expect(problemOf(sequence)).toBe(
      'templates.main.steps[0].a only one of count or end can be defined in withSequence',
    );
  });

  it('refuses activeDeadlineSeconds on a steps template', () => {
    const wf = workflow(`
  - name: main
    activeDeadlineSeconds: 10
    steps: [[{name: a, template: s}]]
  - name: s
    suspend: {}
`);
    expect(problemOf(wf)).toBe('templates.main.activeDeadlineSeconds is only valid for leaf templates');
  });

  it('accepts an empty group of steps', () => {
    const wf = workflow(`
  - name: main
    steps:
    - - name: a
        template: s
    - []
  - name: s
    suspend: {}
`);
    expect(problemOf(wf)).toBeUndefined();
  });
});

describe('dag', () => {
  const dag = (tasks: string, extra = echoTemplate()) =>
    workflow(`
  - name: main
    dag:
      tasks:
${tasks}
${extra}`);
  const task = (name: string, more = '') =>
    `      - name: ${name}\n        template: echo\n        arguments: {parameters: [{name: message, value: hi}]}\n${more}`;

  it('accepts a diamond', () => {
    const wf = dag(
      task('a') +
        task('b', '        depends: a\n') +
        task('c', '        depends: a.Succeeded\n') +
        task('d', '        depends: "b && (c || c.Failed)"\n'),
    );
    expect(problemOf(wf)).toBeUndefined();
  });

  it('requires tasks', () => {
    const wf = workflow(`
  - name: main
    dag: {tasks: []}
`);
    expect(problemOf(wf)).toBe('templates.main must have at least one task');
  });

  it('finds undefined dependencies, cycles and duplicates', () => {
    expect(problemOf(dag(task('a', '        dependencies: [nope]\n')))).toBe(
      'templates.main sorting failed: invalid dependency nope',
    );
    expect(problemOf(dag(task('a', '        depends: b\n') + task('b', '        depends: a\n')))).toBe(
      'templates.main sorting failed: graph with cycle',
    );
    expect(problemOf(dag(task('a') + task('a')))).toBe(
      'templates.main sorting failed: duplicated nodeName a',
    );
  });

  it('checks depends', () => {
    expect(problemOf(dag(task('a') + task('b', '        depends: a.Finished\n')))).toBe(
      "templates.main.tasks.b task result 'Finished' for task 'a' is invalid",
    );
    expect(problemOf(dag(task('a') + task('b', '        depends: "(a && "\n')))).toMatch(
      /^templates\.main\.tasks\.b invalid depends expression "\(a && ": /,
    );
    expect(problemOf(dag(task('a') + task('b', '        depends: a.AnySucceeded\n')))).toBe(
      "templates.main.tasks.b dependency 'a' uses an items-based condition such as .AnySucceeded or .AllFailed but does not contain any items",
    );
    expect(
      problemOf(
        dag(task('a') + task('b', '        depends: a\n') + task('c', '        dependencies: [a]\n')),
      ),
    ).toBe("templates.main cannot use both 'depends' and 'dependencies' in the same DAG template");
    expect(
      problemOf(dag(task('a') + task('b', '        depends: a\n        continueOn: {failed: true}\n'))),
    ).toBe(
      "templates.main cannot use 'continueOn' when using 'depends'. Instead use 'dep-task.Failed'/'dep-task.Errored'",
    );
    expect(problemOf(dag(task('1a') + task('b', '        depends: 1a\n')))).toBe(
      "templates.main.tasks.1a name cannot begin with a digit when using either 'depends' or 'dependencies'",
    );
  });

  it('requires an argument taken from a task to depend on it', () => {
    const producer = `
  - name: produce
    script: {image: alpine, source: echo hi}
`;
    const wf = dag(
      `      - name: a
        template: produce
      - name: b
        template: echo
        arguments: {parameters: [{name: message, value: "{{tasks.a.outputs.result}}"}]}
`,
      echoTemplate() + producer,
    );
    expect(problemOf(wf)).toBe("templates.main.tasks.b missing dependency 'a' for parameter 'message'");
    expect(
      problemOf(wf.replace('      - name: b\n', '      - name: b\n        depends: a\n')),
    ).toBeUndefined();
  });

  it('checks targets', () => {
    const wf = workflow(`
  - name: main
    dag:
      target: b
      tasks:
${task('a')}
${echoTemplate()}`);
    expect(problemOf(wf)).toBe("templates.main.targets: target 'b' is not defined");
    expect(problemOf(wf.replace('target: b', 'target: a'))).toBeUndefined();
  });
});

describe('templates', () => {
  it('requires a container image unless templateDefaults give one', () => {
    const wf = workflow(`
  - name: main
    container: {command: [echo]}
`);
    expect(problemOf(wf)).toBe('templates.main.container.image may not be empty');
    const defaulted = wf.replace(
      'entrypoint: main',
      'entrypoint: main\n  templateDefaults: {container: {image: alpine}}',
    );
    expect(problemOf(defaulted)).toBeUndefined();
    const script = workflow(`
  - name: main
    script: {source: echo}
`);
    expect(problemOf(script)).toBe('templates.main.script.image may not be empty');
  });

  it('refuses parallelism on leaf templates', () => {
    const wf = workflow(`
  - name: main
    parallelism: 2
    container: {image: alpine}
`);
    expect(problemOf(wf)).toBe('templates.main.parallelism is only valid for steps and dag templates');
  });

  it('checks the retry policy', () => {
    const wf = workflow(`
  - name: main
    retryStrategy: {limit: 2, retryPolicy: Sometimes}
    container: {image: alpine, command: [echo, "{{retries}}"]}
`);
    expect(problemOf(wf)).toBe('Sometimes is not a valid RetryPolicy');
    expect(problemOf(wf.replace('Sometimes', 'OnFailure'))).toBeUndefined();
  });

  it('refuses a timeout that is a bare number, and on steps', () => {
    const wf = workflow(`
  - name: main
    timeout: "30"
    container: {image: alpine}
`);
    expect(problemOf(wf)).toBe('main has invalid duration format in timeout');
    expect(problemOf(wf.replace('"30"', '30s'))).toBeUndefined();
    const steps = workflow(`
  - name: main
    timeout: 30s
    steps: [[{name: a, template: s}]]
  - name: s
    suspend: {}
`);
    expect(problemOf(steps)).toBe("Steps template doesn't support timeout field");
  });

  it('checks activeDeadlineSeconds', () => {
    const wf = workflow(`
  - name: main
    activeDeadlineSeconds: soon
    container: {image: alpine}
`);
    expect(problemOf(wf)).toBe(
      'templates.main.activeDeadlineSeconds must be a positive integer > 0 or an argo variable',
    );
    expect(
      problemOf(
        wf
          .replace('soon', '"{{workflow.parameters.t}}"')
          .replace(
            'entrypoint: main',
            'entrypoint: main\n  arguments: {parameters: [{name: t, value: "5"}]}',
          ),
      ),
    ).toBeUndefined();
  });

  it('checks resource templates', () => {
    const wf = workflow(`
  - name: main
    resource:
      action: explode
      manifest: "kind: ConfigMap"
`);
    expect(problemOf(wf)).toBe(
      'templates.main.resource.action must be one of: get, create, apply, delete, replace, patch',
    );
    expect(
      problemOf(wf.replace('explode', 'create').replace('"kind: ConfigMap"', '"kind: [ConfigMap"')),
    ).toBe('templates.main.resource.manifest must be a valid yaml');
    expect(problemOf(wf.replace('explode', 'create'))).toBeUndefined();
    expect(problemOf(wf.replace('explode', 'apply').replace('      manifest: "kind: ConfigMap"\n', ''))).toBe(
      'either templates.main.resource.manifest or templates.main.resource.manifestFrom must be specified',
    );
  });

  it('leaves a resource action from an expression to runtime', () => {
    const wf = workflow(
      `
  - name: main
    resource:
      action: "{{=workflow.parameters.verb}}"
      manifest: "kind: ConfigMap"
`,
      'entrypoint: main\narguments: {parameters: [{name: verb, value: create}]}',
    );
    expect(problemOf(wf)).toBeUndefined();
  });

  it('checks output parameters', () => {
    const wf = workflow(`
  - name: main
    container: {image: alpine}
    outputs:
      parameters: [{name: out}]
`);
    expect(problemOf(wf)).toBe(
      'templates.main.outputs.parameters.out does not have valueFrom or value specified',
    );
    expect(problemOf(wf.replace('{name: out}', '{name: out, valueFrom: {jsonPath: "{.x}"}}'))).toBe(
      'templates.main.outputs.parameters.out.path must be specified for Container templates',
    );
    expect(problemOf(wf.replace('{name: out}', '{name: out, valueFrom: {path: /tmp/out}}'))).toBeUndefined();
  });

  it('checks artifact paths', () => {
    const wf = workflow(`
  - name: main
    container: {image: alpine}
    outputs:
      artifacts: [{name: out, path: /tmp/../../etc}]
`);
    expect(problemOf(wf)).toBe(
      "error in templates.main.outputs.artifacts.out: Artifact 'out' attempted to use a path containing '..'. Directory traversal is not permitted",
    );
    expect(problemOf(wf.replace('/tmp/../../etc', '/tmp/out'))).toBeUndefined();
  });

  it('requires input artifacts to be given', () => {
    const wf = workflow(`
  - name: main
    steps: [[{name: a, template: consume}]]
  - name: consume
    inputs:
      artifacts: [{name: data, path: /tmp/data}]
    container: {image: alpine}
`);
    expect(problemOf(wf)).toBe(
      'templates.main.steps[0].a templates.consume inputs.artifacts.data was not supplied',
    );
    expect(
      problemOf(
        wf.replace(
          'template: consume}',
          'template: consume, arguments: {artifacts: [{name: data, raw: {data: x}}]}}',
        ),
      ),
    ).toBeUndefined();
  });

  it('checks metrics', () => {
    const wf = workflow(`
  - name: main
    container: {image: alpine}
    metrics:
      prometheus:
        - name: my.metric
          help: help
          counter: {value: "1"}
`);
    expect(problemOf(wf)).toBe(
      "templates.main metric name 'my.metric' is invalid. Metric names must contain alphanumeric characters or '_'",
    );
    expect(problemOf(wf.replace('my.metric', 'my_metric').replace('          help: help\n', ''))).toBe(
      "templates.main metric 'my_metric' must contain a help string under 'help: ' field",
    );
    expect(problemOf(wf.replace('my.metric', 'my_metric'))).toBeUndefined();
  });

  it('reads tags across the JSON text, as Argo does', () => {
    // The engine runs over the template's JSON, so an unclosed tag ends at the next `}}` there.
    const wf = workflow(`
  - name: main
    container: {image: alpine, command: ["{{inputs.parameters.x"]}
`);
    expect(problemOf(wf)).toBe('templates.main: failed to resolve {{inputs.parameters.x"]}}');
    const open = workflow(`
  - name: main
    container: {image: alpine}
    podSpecPatch: "{{inputs.parameters.x"
`);
    expect(problemOf(open)).toMatch(/^templates\.main cannot find end tag="}}" in the template=/);
  });

  it('knows workflow variables', () => {
    const wf = workflow(
      `
  - name: main
    container:
      image: alpine
      command: [echo, "{{workflow.name}} {{workflow.labels.team}} {{workflow.annotations.note}} {{workflow.creationTimestamp.Y}} {{pod.name}}"]
`,
    ).replace('generateName: test-', 'generateName: test-\n  labels: {team: a}\n  annotations: {note: b}');
    expect(problemOf(wf)).toBeUndefined();
    expect(problemOf(wf.replace('workflow.labels.team', 'workflow.labels.owner'))).toBe(
      'templates.main: failed to resolve {{workflow.labels.owner}}',
    );
    expect(problemOf(wf.replace('{{workflow.name}}', '{{ workflow.nmae }}'))).toBe(
      'templates.main: failed to resolve {{ workflow.nmae }}',
    );
  });

  it('makes global outputs available', () => {
    const wf = workflow(`
  - name: main
    steps:
    - - name: a
        template: produce
    - - name: b
        template: show
  - name: produce
    container: {image: alpine}
    outputs:
      parameters: [{name: p, globalName: shared, valueFrom: {path: /tmp/p}}]
  - name: show
    container: {image: alpine, command: [echo, "{{workflow.outputs.parameters.shared}}"]}
`);
    expect(problemOf(wf)).toBeUndefined();
    expect(problemOf(wf.replace('parameters.shared}}', 'parameters.other}}'))).toBe(
      'templates.main.steps[1].b templates.show: failed to resolve {{workflow.outputs.parameters.other}}',
    );
  });
});

describe('template references', () => {
  const wft = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: lib
spec:
  templates:
${echoTemplate('say')}`;
  const user = workflow(`
  - name: main
    steps:
    - - name: a
        templateRef: {name: lib, template: say}
        arguments: {parameters: [{name: message, value: hi}]}
`);

  it('resolves templateRefs through the context', async () => {
    const { parseManifests } = await import('../../../src/workflow/manifest/parse.js');
    const [lib] = parseManifests(wft, 'lib.yaml');
    const getTemplate = (kind: string, name: string) =>
      kind === 'WorkflowTemplate' && name === 'lib' ? (lib.object as never) : undefined;
    expect(problemOf(user, { getTemplate })).toBeUndefined();
    expect(problemOf(user.replace('template: say', 'template: sing'), { getTemplate })).toBe(
      'templates.main.steps[0].a template reference lib.sing not found',
    );
    expect(problemOf(user)).toBe('templates.main.steps[0].a template reference lib.say not found');
    expect(problemOf(user.replace('{name: lib, template: say}', '{template: say}'))).toBe(
      'templates.main.steps[0].a resource name is required',
    );
    expect(
      problemOf(
        user.replace('{name: lib, template: say}', '{name: lib, template: say}\n        template: x'),
      ),
    ).toBe('templates.main.steps[0].a template name cannot be specified with templateRef');
  });

  it('leaves references built from parameters or expressions to runtime', () => {
    const dynamic = workflow(
      `
  - name: main
    steps:
    - - name: a
        templateRef: {name: lib, template: "{{workflow.parameters.which}}"}
    - - name: b
        templateRef: {name: lib, template: "{{=workflow.parameters.which}}"}
`,
      'entrypoint: main\narguments: {parameters: [{name: which}]}',
    );
    // Without a value the parameter is a placeholder; with one, the reference is checked.
    expect(problemOf(dynamic)).toBeUndefined();
    expect(problemOf(dynamic.replace('{name: which}', '{name: which, value: say}'))).toBe(
      'templates.main.steps[0].a template reference lib.say not found',
    );
  });

  it('reports a getter error as is', () => {
    const getTemplate = () => {
      throw new Error('couldn\'t find workflow template "lib" in namespace ""');
    };
    expect(problemOf(user, { getTemplate })).toBe(
      'templates.main.steps[0].a couldn\'t find workflow template "lib" in namespace ""',
    );
  });

  it('resolves workflowTemplateRef', async () => {
    const { parseManifests } = await import('../../../src/workflow/manifest/parse.js');
    const lib = parseManifests(
      wft.replace(
        'spec:\n',
        'spec:\n  entrypoint: say\n  arguments: {parameters: [{name: message, value: hi}]}\n',
      ),
      'lib.yaml',
    )[0];
    const ref = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: x-}
spec:
  workflowTemplateRef: {name: lib}
`;
    const getTemplate = () => lib.object as never;
    expect(problemOf(ref, { getTemplate })).toBeUndefined();
    expect(problemOf(ref)).toBe('workflowtemplates.argoproj.io "lib" not found');
    expect(problemOf(ref.replace('{name: lib}', '{name: lib, clusterScope: true}'))).toBe(
      'clusterworkflowtemplates.argoproj.io "lib" not found',
    );
  });
});

describe('workflow templates', () => {
  const wft = `apiVersion: argoproj.io/v1alpha1
kind: WorkflowTemplate
metadata:
  name: lib
spec:
  arguments:
    parameters: [{name: who}]
  templates:
  - name: greet
    container: {image: alpine, command: [echo, "{{workflow.parameters.who}} {{workflow.parameters.other}}"]}
`;

  it('accepts parameters a workflow will give, and no entrypoint', () => {
    expect(problemOf(wft)).toBeUndefined();
  });

  it('requires argument values at submission', () => {
    expect(problemOf(wft, { lint: false, submit: true })).toBe(
      'spec.arguments.who.value or spec.arguments.who.valueFrom is required',
    );
    expect(problemOf(wft, { lint: false, submit: false })).toBeUndefined();
  });

  it('limits names', () => {
    const long = 'a'.repeat(64);
    expect(problemOf(wft.replace('name: lib', `name: ${long}`))).toBe(
      `workflow template name "${long}" must not be more than 63 characters long (currently 64)`,
    );
    const cluster = wft
      .replace('kind: WorkflowTemplate', 'kind: ClusterWorkflowTemplate')
      .replace('name: lib', `name: ${long}`);
    expect(problemOf(cluster)).toBe(
      `cluster workflow template name "${long}" must not be more than 63 characters long (currently 64)`,
    );
  });
});

describe('cron workflows', () => {
  const cron = `apiVersion: argoproj.io/v1alpha1
kind: CronWorkflow
metadata:
  name: nightly
spec:
  schedules: ["0 2 * * *"]
  workflowSpec:
    entrypoint: main
    templates:
    - name: main
      container: {image: alpine, command: [echo, "{{workflow.scheduledTime}}"]}
`;

  it('accepts a valid cron workflow', () => {
    expect(problemOf(cron)).toBeUndefined();
  });

  it('checks the name, schedules, time zone and policy', () => {
    const long = 'a'.repeat(53);
    expect(problemOf(cron.replace('name: nightly', `name: ${long}`))).toBe(
      `cron workflow name "${long}" must not be more than 52 characters long (currently 53)`,
    );
    expect(problemOf(cron.replace('schedules: ["0 2 * * *"]', 'schedules: []'))).toBe(
      'cron workflow must have at least one schedule',
    );
    expect(problemOf(cron.replace('"0 2 * * *"', '"0 25 * * *"'))).toBe(
      'cron schedule 0 25 * * * is malformed: end of range (25) above maximum (23): 25',
    );
    expect(problemOf(cron.replace('"0 2 * * *"', '"0 2 * *"'))).toBe(
      'cron schedule 0 2 * * is malformed: expected exactly 5 fields, found 4: [0 2 * *]',
    );
    expect(problemOf(cron.replace('"0 2 * * *"', '"@daily"'))).toBeUndefined();
    expect(problemOf(cron.replace('schedules:', 'timezone: Mars/Olympus\n  schedules:'))).toBe(
      'invalid timezone "Mars/Olympus": unknown time zone Mars/Olympus',
    );
    expect(problemOf(cron.replace('schedules:', 'timezone: Europe/Paris\n  schedules:'))).toBeUndefined();
    expect(problemOf(cron.replace('schedules:', 'concurrencyPolicy: Sometimes\n  schedules:'))).toBe(
      "'Sometimes' is not a valid concurrencyPolicy",
    );
    expect(problemOf(cron.replace('schedules:', 'startingDeadlineSeconds: -1\n  schedules:'))).toBe(
      'startingDeadlineSeconds must be positive',
    );
  });

  it('validates the workflow it creates, never as a lint', () => {
    expect(problemOf(cron.replace('image: alpine', 'image: ""'))).toBe(
      'cannot validate Workflow: templates.main.container.image may not be empty',
    );
    const args = cron.replace(
      'entrypoint: main',
      'entrypoint: main\n    arguments: {parameters: [{name: x}]}',
    );
    expect(problemOf(args, { lint: true })).toBe(
      'cannot validate Workflow: spec.arguments.x.value or spec.arguments.x.valueFrom is required',
    );
  });
});

describe('problem paths', () => {
  it('point at the offending field', () => {
    const wf = workflow(`
  - name: main
    steps:
    - - name: a
        template: s
      - name: b
        template: nope
  - name: s
    suspend: {}
`);
    expect(problemsOf(wf)).toEqual([
      {
        path: 'spec.templates[0].steps[0][1].template',
        message: "templates.main.steps[0].b template name 'nope' undefined",
      },
    ]);
  });
});
