// The Kubernetes protobuf envelope for the two kinds kubectl sends that way and nothing else
// here: `kubectl create secret` and `kubectl create configmap` POST a v1 Secret or ConfigMap as
// `application/vnd.kubernetes.protobuf` and do not retry as JSON. The envelope is the magic
// "k8s\0" and a runtime.Unknown {typeMeta(1){apiVersion(1), kind(2)}, raw(2)}; the fields read
// are those of k8s.io/api/core/v1's generated.proto (field numbers are the wire contract).
import type { KubeObject } from '../../model/meta.js';
import { HttpError } from './wire.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Field = { no: number; varint?: bigint; bytes?: Buffer };

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++];
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    switch (key & 7) {
      case 0:
        out.push({ no, varint: varint() });
        break;
      case 2: {
        const len = Number(varint());
        if (i + len > buf.length) throw new Error('truncated field');
        out.push({ no, bytes: buf.subarray(i, i + len) });
        i += len;
        break;
      }
      case 1:
        i += 8;
        break;
      case 5:
        i += 4;
        break;
      default:
        throw new Error(`unsupported wire type ${key & 7}`);
    }
  }
  return out;
}

const text = (f: Field): string => (f.bytes ?? Buffer.alloc(0)).toString('utf8');

function mapEntry(f: Field): [string, Buffer] {
  const parts = fields(f.bytes ?? Buffer.alloc(0));
  return [
    text(parts.find((p) => p.no === 1) ?? { no: 1 }),
    parts.find((p) => p.no === 2)?.bytes ?? Buffer.alloc(0),
  ];
}

function stringMap(all: Field[], no: number): Record<string, string> | undefined {
  const entries = all.filter((f) => f.no === no).map(mapEntry);
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, v.toString('utf8')])) : undefined;
}

function bytesMap(all: Field[], no: number): Record<string, string> | undefined {
  const entries = all.filter((f) => f.no === no).map(mapEntry);
  return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, v.toString('base64')])) : undefined;
}

function objectMeta(buf: Buffer): KubeObject['metadata'] {
  const all = fields(buf);
  const str = (no: number) => {
    const f = all.find((x) => x.no === no);
    return f ? text(f) : undefined;
  };
  const finalizers = all.filter((f) => f.no === 14).map(text);
  const meta: Record<string, unknown> = {
    name: str(1) || undefined,
    generateName: str(2) || undefined,
    namespace: str(3) || undefined,
    labels: stringMap(all, 11),
    annotations: stringMap(all, 12),
    finalizers: finalizers.length ? finalizers : undefined,
  };
  return Object.fromEntries(
    Object.entries(meta).filter(([, v]) => v !== undefined),
  ) as KubeObject['metadata'];
}

/** A protobuf-encoded v1 Secret or ConfigMap as the JSON object the API would hold. */
export function decodeProtobufObject(body: Buffer): KubeObject {
  if (!body.subarray(0, 4).equals(MAGIC))
    throw new HttpError(
      400,
      'BadRequest',
      'the protobuf request body does not start with the Kubernetes magic "k8s\\0"',
    );
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = fields(unknown.find((f) => f.no === 1)?.bytes ?? Buffer.alloc(0));
    const apiVersion = text(typeMeta.find((f) => f.no === 1) ?? { no: 1 });
    const kind = text(typeMeta.find((f) => f.no === 2) ?? { no: 2 });
    const raw = fields(unknown.find((f) => f.no === 2)?.bytes ?? Buffer.alloc(0));
    const metadata = objectMeta(raw.find((f) => f.no === 1)?.bytes ?? Buffer.alloc(0));
    const flag = (no: number) => {
      const f = raw.find((x) => x.no === no);
      return f ? f.varint === 1n : undefined;
    };
    let obj: Record<string, unknown>;
    if (apiVersion === 'v1' && kind === 'Secret') {
      const type = raw.find((f) => f.no === 3);
      obj = {
        data: bytesMap(raw, 2),
        type: type ? text(type) : undefined,
        stringData: stringMap(raw, 4),
        immutable: flag(5),
      };
    } else if (apiVersion === 'v1' && kind === 'ConfigMap') {
      obj = { data: stringMap(raw, 2), binaryData: bytesMap(raw, 3), immutable: flag(4) };
    } else {
      throw new HttpError(
        415,
        'UnsupportedMediaType',
        `protobuf is accepted for v1 Secret and ConfigMap only, not ${apiVersion} ${kind}; send application/json`,
      );
    }
    const defined = Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
    return { apiVersion, kind, metadata, ...defined } as KubeObject;
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(
      400,
      'BadRequest',
      `the protobuf request body is malformed: ${(err as Error).message}`,
    );
  }
}
