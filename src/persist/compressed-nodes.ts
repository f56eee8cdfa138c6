// status.compressedNodes, as upstream's packer writes it: the nodes as JSON, gzip-compressed and
// base64-encoded. Upstream reads gzip, zstd and brotli (told apart by their first bytes) and writes
// gzip unless configured otherwise; Node.js 20 has no zstd, so such nodes are refused by name.
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import type { Workflow } from '../model/workflow.js';

export type Nodes = NonNullable<NonNullable<Workflow['status']>['nodes']>;

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

const startsWith = (buf: Buffer, magic: number[]): boolean => magic.every((b, i) => buf[i] === b);

export function compressNodes(nodes: Nodes): string {
  return gzipSync(JSON.stringify(nodes)).toString('base64');
}

export function decompressNodes(text: string): Nodes {
  const buf = Buffer.from(text, 'base64');
  if (startsWith(buf, ZSTD_MAGIC))
    throw new Error('status.compressedNodes is zstd-compressed, which this Node.js cannot read');
  const json = startsWith(buf, GZIP_MAGIC) ? gunzipSync(buf) : brotliDecompressSync(buf);
  return JSON.parse(json.toString('utf8')) as Nodes;
}
