// Artifact locations and repository resolution as upstream's controller and executor read them.
import { describe, expect, it } from 'vitest';
import {
  archiveLocationOf,
  controllerArtifactRepository,
  hasKey,
  hasLocation,
  isLocalLocation,
  relocate,
  resolveArtifactRepository,
} from '../../../src/artifacts/index.js';
import type { ConfigMap } from '../../../src/model/meta.js';

describe('locations', () => {
  it('knows a full location from a key alone', () => {
    expect(hasLocation({ s3: { key: 'k' } })).toBe(false);
    expect(hasKey({ s3: { key: 'k' } })).toBe(true);
    expect(hasLocation({ s3: { endpoint: 'e:9000', bucket: 'b', key: 'k' } })).toBe(true);
    expect(hasLocation({ raw: { data: '' } })).toBe(true);
    expect(hasKey({ raw: { data: 'x' } })).toBe(false);
    expect(hasLocation({ http: { url: 'http://x/y' } })).toBe(true);
  });

  it('relocates a key-only artifact into the archive location, keeping its key', () => {
    const archive = { archiveLogs: true, s3: { endpoint: 'minio:9000', bucket: 'my-bucket', key: 'wf/pod' } };
    expect(relocate({ name: 'file', path: '/tmp/f', s3: { key: 'my-file' } }, archive)).toEqual({
      name: 'file',
      path: '/tmp/f',
      archiveLogs: true,
      s3: { endpoint: 'minio:9000', bucket: 'my-bucket', key: 'my-file' },
    });
    const full = { name: 'x', s3: { endpoint: 'a:1', bucket: 'b', key: 'k' } };
    expect(relocate(full, archive)).toEqual(full);
  });

  it('reads the embedded repository as an S3 location without bucket or endpoint', () => {
    const loc = archiveLocationOf(undefined);
    expect(loc).toEqual({ s3: { key: '{{workflow.name}}/{{pod.name}}' } });
    expect(isLocalLocation(relocate({ s3: { key: 'k' } }, loc))).toBe(true);
    expect(isLocalLocation({ s3: { endpoint: 'e', bucket: 'b', key: 'k' } })).toBe(false);
  });

  it('gives an S3 repository its keyFormat, or keyPrefix before the default pattern', () => {
    expect(
      archiveLocationOf({ s3: { bucket: 'b', endpoint: 'e', keyFormat: 'x/{{workflow.name}}' } }).s3,
    ).toEqual({
      bucket: 'b',
      endpoint: 'e',
      key: 'x/{{workflow.name}}',
    });
    expect(archiveLocationOf({ archiveLogs: true, s3: { bucket: 'b', keyPrefix: 'pre' } })).toEqual({
      archiveLogs: true,
      s3: { bucket: 'b', key: 'pre/{{workflow.name}}/{{pod.name}}' },
    });
  });
});

describe('artifact repository resolution', () => {
  const cm = (
    ns: string,
    name: string,
    data: Record<string, string>,
    annotations?: Record<string, string>,
  ): ConfigMap => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { namespace: ns, name, annotations },
    data,
  });
  const s3yaml = 's3:\n  bucket: my-bucket\n  endpoint: minio:9000\n';

  it('reads the controller configuration in either ConfigMap form', () => {
    expect(
      controllerArtifactRepository(cm('argo', 'c', { artifactRepository: `archiveLogs: true\n${s3yaml}` })),
    ).toEqual({
      archiveLogs: true,
      s3: { bucket: 'my-bucket', endpoint: 'minio:9000' },
    });
    const whole = `artifactRepository:\n  archiveLogs: true\n`;
    expect(controllerArtifactRepository(cm('argo', 'c', { config: whole }))).toEqual({ archiveLogs: true });
    expect(controllerArtifactRepository(undefined)).toBeUndefined();
  });

  it('uses the controller default when nothing else is there', () => {
    const r = resolveArtifactRepository(undefined, 'wfns', 'argo', () => undefined, { archiveLogs: true });
    expect(r).toEqual({ default: true, artifactRepository: { archiveLogs: true } });
  });

  it("prefers the workflow namespace's artifact-repositories and its default-key annotation", () => {
    const maps = [
      cm(
        'wfns',
        'artifact-repositories',
        { mine: s3yaml },
        { 'workflows.argoproj.io/default-artifact-repository': 'mine' },
      ),
    ];
    const get = (ns: string, name: string) =>
      maps.find((m) => m.metadata.namespace === ns && m.metadata.name === name);
    expect(resolveArtifactRepository(undefined, 'wfns', 'argo', get, undefined)).toEqual({
      namespace: 'wfns',
      configMap: 'artifact-repositories',
      key: 'mine',
      artifactRepository: { s3: { bucket: 'my-bucket', endpoint: 'minio:9000' } },
    });
  });

  it('follows an artifactRepositoryRef to the controller namespace, and fails when it finds nothing', () => {
    const maps = [cm('argo', 'my-repos', { v2: s3yaml })];
    const get = (ns: string, name: string) =>
      maps.find((m) => m.metadata.namespace === ns && m.metadata.name === name);
    expect(
      resolveArtifactRepository({ configMap: 'my-repos', key: 'v2' }, 'wfns', 'argo', get, undefined)
        .namespace,
    ).toBe('argo');
    expect(() =>
      resolveArtifactRepository({ configMap: 'my-repos', key: 'v3' }, 'wfns', 'argo', get, undefined),
    ).toThrow(/failed to find any artifact repository/);
  });
});
