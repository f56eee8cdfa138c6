// The kube-api endpoint's encodings that kubectl relies on: the server-rendered ages of `kubectl get`
// and the protobuf bodies `kubectl create secret|configmap` send (built here field by field, as
// k8s.io/api/core/v1's generated.proto numbers them).
import { describe, expect, it } from 'vitest';
import { decodeProtobufObject } from '../../../src/server/kube-api/protobuf.js';
import { ageOf } from '../../../src/server/kube-api/table.js';

const bytes = (no: number, value: Buffer | string): Buffer => {
  const v = Buffer.isBuffer(value) ? value : Buffer.from(value);
  return Buffer.concat([Buffer.from([(no << 3) | 2, v.length]), v]);
};
const entry = (no: number, key: string, value: Buffer | string) =>
  bytes(no, Buffer.concat([bytes(1, key), bytes(2, value)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([
    Buffer.from('k8s\0', 'binary'),
    bytes(1, Buffer.concat([bytes(1, apiVersion), bytes(2, kind)])),
    bytes(2, raw),
  ]);

describe('kube-api protobuf bodies', () => {
  it('decodes a Secret with metadata, binary data, string data and type', () => {
    const meta = Buffer.concat([bytes(1, 'cred'), bytes(3, 'ns'), entry(11, 'team', 'blue')]);
    const raw = Buffer.concat([
      bytes(1, meta),
      entry(2, 'k', Buffer.from([0, 255])),
      bytes(3, 'Opaque'),
      entry(4, 's', 'plain'),
    ]);
    expect(decodeProtobufObject(envelope('v1', 'Secret', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cred', namespace: 'ns', labels: { team: 'blue' } },
      data: { k: 'AP8=' },
      type: 'Opaque',
      stringData: { s: 'plain' },
    });
  });

  it('decodes a ConfigMap with an immutable flag', () => {
    const raw = Buffer.concat([bytes(1, bytes(1, 'settings')), entry(2, 'a', 'b'), Buffer.from([4 << 3, 1])]);
    expect(decodeProtobufObject(envelope('v1', 'ConfigMap', raw))).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'settings' },
      data: { a: 'b' },
      immutable: true,
    });
  });

  it('refuses other kinds, a missing magic and a truncated body with a clear message', () => {
    expect(() => decodeProtobufObject(envelope('v1', 'Pod', Buffer.alloc(0)))).toThrow(
      'protobuf is accepted for v1 Secret and ConfigMap only, not v1 Pod; send application/json',
    );
    expect(() => decodeProtobufObject(Buffer.from('{}'))).toThrow('does not start with the Kubernetes magic');
    expect(() => decodeProtobufObject(envelope('v1', 'Secret', Buffer.from([0x0a, 0x05, 0x01])))).toThrow(
      'the protobuf request body is malformed: truncated field',
    );
  });
});

describe('kube-api ages', () => {
  const at = Date.parse('2026-01-10T00:00:00Z');
  const ago = (s: number) => new Date(at - s * 1000).toISOString();
  it('renders them as the API server does', () => {
    expect(
      [5, 119, 150, 600, 7200, 4 * 3600 + 300, 20 * 3600, 3 * 86400 + 4 * 3600, 30 * 86400, 800 * 86400].map(
        (s) => ageOf(ago(s), at),
      ),
    ).toEqual(['5s', '119s', '2m30s', '10m', '120m', '4h5m', '20h', '3d4h', '30d', '2y']);
    expect(ageOf(undefined, at)).toBe('<unknown>');
  });
});
