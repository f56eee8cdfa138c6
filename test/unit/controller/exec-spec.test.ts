// The execution spec's workflow-level fields take the global variables; its templates do not.
import { describe, expect, it } from 'vitest';
import { substituteGlobalVariables } from '../../../src/controller/exec-spec.js';
import type { WorkflowSpec } from '../../../src/model/workflow.js';
import { TemplateError } from '../../../src/workflow/template-string.js';

const GLOBALS = {
  'workflow.name': 'wf-1',
  'workflow.parameters.gate': '/srv/gate',
  'workflow.parameters.team': 'blue',
  'workflow.parameters.zone': 'eu-1',
};

describe('substituteGlobalVariables', () => {
  it('substitutes workflow-level fields: volumes, podMetadata, scheduling, service account, repository', () => {
    const spec: WorkflowSpec = {
      entrypoint: 'main',
      volumes: [{ name: 'gate', hostPath: { path: '{{workflow.parameters.gate}}', type: 'Directory' } }],
      podMetadata: {
        labels: { team: '{{workflow.parameters.team}}' },
        annotations: { owner: '{{=workflow.name + "-owner"}}' },
      },
      nodeSelector: { zone: '{{workflow.parameters.zone}}' },
      tolerations: [{ key: 'zone', value: '{{workflow.parameters.zone}}', effect: 'NoSchedule' }],
      affinity: { nodeAffinity: { label: '{{workflow.parameters.zone}}' } },
      imagePullSecrets: [{ name: '{{workflow.parameters.team}}-pull' }],
      serviceAccountName: '{{workflow.parameters.team}}-runner',
      artifactRepositoryRef: { configMap: 'repos-{{workflow.parameters.team}}', key: 'default' },
      templates: [],
    };
    const out = substituteGlobalVariables(spec, GLOBALS);
    expect(out.volumes).toEqual([{ name: 'gate', hostPath: { path: '/srv/gate', type: 'Directory' } }]);
    expect(out.podMetadata).toEqual({ labels: { team: 'blue' }, annotations: { owner: 'wf-1-owner' } });
    expect(out.nodeSelector).toEqual({ zone: 'eu-1' });
    expect(out.tolerations).toEqual([{ key: 'zone', value: 'eu-1', effect: 'NoSchedule' }]);
    expect(out.affinity).toEqual({ nodeAffinity: { label: 'eu-1' } });
    expect(out.imagePullSecrets).toEqual([{ name: 'blue-pull' }]);
    expect(out.serviceAccountName).toBe('blue-runner');
    expect(out.artifactRepositoryRef).toEqual({ configMap: 'repos-blue', key: 'default' });
    // The input is left as it was: the operator may hold the stored workflow's own spec.
    expect(spec.volumes?.[0].hostPath?.path).toBe('{{workflow.parameters.gate}}');
  });

  it('leaves the templates as written, to be substituted when they run', () => {
    const templates = [
      { name: 'main', container: { image: 'busybox', args: ['{{workflow.parameters.gate}}'] } },
    ];
    const out = substituteGlobalVariables({ entrypoint: 'main', templates }, GLOBALS);
    expect(out.templates).toEqual(templates);
    expect(out.templates?.[0].container?.args).toEqual(['{{workflow.parameters.gate}}']);
  });

  it('keeps references that cannot resolve yet, simple and expression tags alike', () => {
    const out = substituteGlobalVariables(
      {
        podMetadata: {
          labels: { status: '{{workflow.status}}', other: '{{workflow.parameters.missing}}' },
          annotations: { late: '{{=workflow.status == "Failed" ? "bad" : "ok"}}' },
        },
      },
      GLOBALS,
    );
    expect(out.podMetadata).toEqual({
      labels: { status: '{{workflow.status}}', other: '{{workflow.parameters.missing}}' },
      annotations: { late: '{{=workflow.status == "Failed" ? "bad" : "ok"}}' },
    });
  });

  it('substitutes the arguments the entrypoint is given', () => {
    const out = substituteGlobalVariables(
      { arguments: { parameters: [{ name: 'dir', value: '{{workflow.parameters.gate}}/in' }] } },
      GLOBALS,
    );
    expect(out.arguments?.parameters).toEqual([{ name: 'dir', value: '/srv/gate/in' }]);
  });

  it('fails on a malformed tag, naming it', () => {
    expect(() =>
      substituteGlobalVariables({ volumes: [{ name: 'v', hostPath: { path: '{{workflow.name' } }] }, GLOBALS),
    ).toThrow(TemplateError);
    expect(() =>
      substituteGlobalVariables({ volumes: [{ name: 'v', hostPath: { path: '{{workflow.name' } }] }, GLOBALS),
    ).toThrow(/Cannot find end tag/);
  });
});
