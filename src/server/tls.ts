// The server's certificate: from a kubernetes.io/tls Secret in the store when one is named
// (--tls-certificate-secret-name), else self-signed for this start, as upstream generates one.
import { hostname } from 'node:os';
import type { Secret } from '../model/meta.js';
import type { ResourceStore } from '../store/types.js';
import { commonJsExports } from '../commonjs-import.js';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export async function selfSignedCertificate(): Promise<TlsMaterial> {
  const { generate } = await commonJsExports(import('selfsigned'));
  const now = new Date();
  const pems = await generate([{ name: 'organizationName', value: 'ArgoProj' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: new Date(now.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 2, value: hostname() },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** tls.crt and tls.key of a Secret in the server's namespace. */
export async function certificateFromSecret(
  store: ResourceStore,
  namespace: string,
  name: string,
): Promise<TlsMaterial> {
  const secret = await store.get<Secret>('Secret', namespace, name);
  if (!secret) throw new Error(`secrets "${name}" not found in namespace "${namespace}"`);
  const pick = (key: string): string => {
    const data = secret.data?.[key];
    if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
    const plain = secret.stringData?.[key];
    if (plain !== undefined) return plain;
    throw new Error(`secret ${namespace}/${name} has no ${key}`);
  };
  return { cert: pick('tls.crt'), key: pick('tls.key') };
}
