// List continue tokens: opaque to clients, they carry the last key of the previous page.
import { InvalidError } from '../types.js';

export interface ContinueKey {
  namespace: string;
  name: string;
}

export function encodeContinue(key: ContinueKey): string {
  return Buffer.from(JSON.stringify({ v: 1, ns: key.namespace, n: key.name }), 'utf8').toString('base64url');
}

export function decodeContinue(token: string): ContinueKey {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      v?: unknown;
      ns?: unknown;
      n?: unknown;
    };
    if (parsed.v === 1 && typeof parsed.ns === 'string' && typeof parsed.n === 'string') {
      return { namespace: parsed.ns, name: parsed.n };
    }
  } catch {
    // fall through to the error below
  }
  throw new InvalidError(
    `invalid continue token "${token}": pass the continue value of the previous list unchanged`,
  );
}
