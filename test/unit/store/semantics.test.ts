import { describe, expect, it } from 'vitest';
import {
  deepEqual,
  finishCreate,
  kubeTimestamp,
  prepareCreate,
  prepareDelete,
  prepareUpdate,
} from '../../../src/store/semantics.js';
import type { KubeObject } from '../../../src/model/meta.js';
import { ConflictError, InvalidError } from '../../../src/store/types.js';
import { checkDnsSubdomain, generatedName } from '../../../src/store/validation.js';

const created = (obj: Record<string, unknown>) =>
  finishCreate(
    prepareCreate('Workflow', obj as unknown as KubeObject),
    'uid-1',
    7,
    new Date('2026-01-02T03:04:05.678Z'),
  );

describe('names', () => {
  it('generates Kubernetes-style suffixes', () => {
    for (let i = 0; i < 200; i++) {
      expect(generatedName('hello-')).toMatch(/^hello-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    }
    // Prefixes are cut so the name stays a valid 63-character label.
    expect(generatedName('a'.repeat(80))).toHaveLength(63);
  });

  it('accepts DNS-1123 subdomains only', () => {
    expect(checkDnsSubdomain('my-wf.v1')).toBeUndefined();
    expect(checkDnsSubdomain('My-wf')).toMatch(/lowercase RFC 1123 subdomain/);
    expect(checkDnsSubdomain('-x')).toBeDefined();
    expect(checkDnsSubdomain('x'.repeat(254))).toMatch(/253/);
  });
});

describe('create', () => {
  it('fills server fields in Kubernetes order and ignores client copies of them', () => {
    const obj = created({
      spec: { a: 1 },
      metadata: { labels: { x: 'y' }, namespace: 'argo', name: 'w', uid: 'stale', resourceVersion: '99' },
    });
    expect(Object.keys(obj)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(Object.keys(obj.metadata)).toEqual([
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'generation',
      'creationTimestamp',
      'labels',
    ]);
    expect(obj.metadata).toMatchObject({
      uid: 'uid-1',
      resourceVersion: '7',
      generation: 1,
      creationTimestamp: '2026-01-02T03:04:05Z',
    });
  });

  it('names the bad field and value', () => {
    expect(() => prepareCreate('Workflow', { metadata: { name: 'Bad_Name', namespace: 'argo' } })).toThrow(
      /^Workflow.argoproj.io "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": /,
    );
    expect(() => prepareCreate('Workflow', { metadata: { name: 'ok' } })).toThrow(/metadata.namespace/);
    expect(() => prepareCreate('Workflow', { metadata: { namespace: 'argo' } })).toThrow(
      /name or generateName is required/,
    );
    expect(() =>
      prepareCreate('Pod', { metadata: { name: 'p', namespace: 'argo', labels: { 'a b': 'x' } } }),
    ).toThrow(/metadata.labels: Invalid value: "a b"/);
    expect(() => prepareCreate('Pod', { apiVersion: 'v2', metadata: { name: 'p', namespace: 'a' } })).toThrow(
      InvalidError,
    );
  });

  it('drops the namespace of cluster-scoped kinds', () => {
    const obj = prepareCreate('ClusterWorkflowTemplate', { metadata: { name: 'c', namespace: 'argo' } });
    expect(obj.metadata.namespace).toBeUndefined();
  });

  it('folds Secret stringData into base64 data', () => {
    const secret = prepareCreate('Secret', {
      metadata: { name: 's', namespace: 'argo' },
      stringData: { token: 'abc' },
    } as never) as unknown as Record<string, unknown>;
    expect(secret.data).toEqual({ token: 'YWJj' });
    expect(secret.stringData).toBeUndefined();
  });
});

describe('update', () => {
  const stored = created({ metadata: { name: 'w', namespace: 'argo' }, spec: { a: 1 } });

  it('bumps generation only when the desired state changes', () => {
    const status = prepareUpdate('Workflow', stored, { ...stored, status: { phase: 'Running' } } as never, 8);
    expect(status.action).toBe('update');
    expect(status.object.metadata.generation).toBe(1);
    const spec = prepareUpdate('Workflow', stored, { ...stored, spec: { a: 2 } } as never, 8);
    expect(spec.object.metadata.generation).toBe(2);
    expect(spec.object.metadata.resourceVersion).toBe('8');
  });

  it('writes nothing when nothing changes', () => {
    const same = prepareUpdate(
      'Workflow',
      stored,
      { metadata: { name: 'w', namespace: 'argo' }, spec: { a: 1 } } as KubeObject,
      8,
    );
    expect(same.action).toBe('unchanged');
  });

  it('rejects a stale resourceVersion or another uid', () => {
    const stale = { ...stored, metadata: { ...stored.metadata, resourceVersion: '3' } };
    expect(() => prepareUpdate('Workflow', stored, stale, 8)).toThrow(ConflictError);
    const other = { ...stored, metadata: { ...stored.metadata, uid: 'x' } };
    expect(() => prepareUpdate('Workflow', stored, other, 8)).toThrow(ConflictError);
  });
});

describe('delete', () => {
  it('marks an object with finalizers instead of deleting it, once', () => {
    const obj = created({ metadata: { name: 'w', namespace: 'argo', finalizers: ['f'] } });
    const first = prepareDelete('Workflow', obj, undefined, 8, new Date('2026-01-01T00:00:00Z'));
    expect(first.action).toBe('mark');
    expect(first.object.metadata.deletionTimestamp).toBe('2026-01-01T00:00:00Z');
    expect(first.object.metadata.generation).toBe(2);
    expect(prepareDelete('Workflow', first.object, undefined, 9, new Date()).action).toBe('unchanged');
    // No new finalizers while deleting; removing the last one deletes.
    const added = { ...first.object, metadata: { ...first.object.metadata, finalizers: ['f', 'g'] } };
    expect(() => prepareUpdate('Workflow', first.object, added, 9)).toThrow(/no new finalizers/);
    const cleared = { ...first.object, metadata: { ...first.object.metadata, finalizers: [] } };
    expect(prepareUpdate('Workflow', first.object, cleared, 9).action).toBe('delete');
  });
});

describe('helpers', () => {
  it('deepEqual ignores member order and undefined members', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(deepEqual({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(deepEqual({ a: {} }, { a: [] })).toBe(false);
  });

  it('formats timestamps to the second', () => {
    expect(kubeTimestamp(new Date('2026-11-27T18:43:43.999Z'))).toBe('2026-11-27T18:43:43Z');
  });
});
