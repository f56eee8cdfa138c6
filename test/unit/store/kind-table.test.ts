import { describe, expect, it } from 'vitest';
import { kindAt, resourceFor } from '../../../src/store/kube/resources.js';
import { isClusterScoped } from '../../../src/store/semantics.js';
import { API_VERSIONS, NotFoundError, pluralOf } from '../../../src/store/types.js';

describe('the kind table', () => {
  it('names resources in errors as Kubernetes does: plural, then the group unless it is core', () => {
    expect(pluralOf('Workflow')).toBe('workflows.argoproj.io');
    expect(pluralOf('Pod')).toBe('pods');
    expect(pluralOf('Lease')).toBe('leases.coordination.k8s.io');
    expect(pluralOf('Deployment')).toBe('deployments.apps');
    expect(new NotFoundError('ConfigMap', 'x').message).toBe('configmaps "x" not found');
  });

  it('gives the REST address of each kind from the same entries', () => {
    expect(resourceFor('ClusterRole')).toEqual({
      kind: 'ClusterRole',
      group: 'rbac.authorization.k8s.io',
      version: 'v1',
      plural: 'clusterroles',
      namespaced: false,
    });
    expect(resourceFor('Pod')).toMatchObject({ group: '', version: 'v1', plural: 'pods', namespaced: true });
    expect(kindAt('argoproj.io', 'v1alpha1', 'cronworkflows')).toBe('CronWorkflow');
    expect(kindAt('', 'v1', 'workflows')).toBeUndefined();
  });

  it('keeps apiVersion and scope with the kind', () => {
    expect(API_VERSIONS.WorkflowTaskResult).toBe('argoproj.io/v1alpha1');
    expect(isClusterScoped('ClusterWorkflowTemplate')).toBe(true);
    expect(isClusterScoped('WorkflowTemplate')).toBe(false);
  });
});
