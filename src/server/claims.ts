// Who a request acts as on a cluster, read as upstream's gatekeeper reads it: from the credentials
// the Kubernetes API is called with, never checked here (the API server checks them). In client
// mode those are the caller's (its bearer token); in server mode the
// server's own (its kubeconfig user, or its service account's token). A bearer token is read as a
// JWT, as Kubernetes service account tokens are, and its claims name the actor; a token that is
// not one names nobody, and the action then records no actor, as upstream's does.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Actor } from '../model/service.js';
import type { KubeStore } from '../store/kube/index.js';

/** The credentials of a kubeconfig user that say who it is. */
export interface KubeUserCredentials {
  username?: string;
  token?: string;
  /** A file holding the token (a pod's service account token). */
  tokenFile?: string;
  /** A client certificate, PEM, or the file holding it. */
  certData?: string;
  certFile?: string;
}

/** The claims of a JWT's payload; undefined for a token that is not a JWT. */
export function claimsOfBearerToken(token: string): Actor | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const claims = payload as Record<string, unknown>;
  // Upstream decodes the payload into typed claims: one of another type makes the whole unreadable.
  const named = ['sub', 'email', 'preferred_username'];
  if (named.some((k) => claims[k] !== undefined && typeof claims[k] !== 'string')) return undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    subject: text(claims.sub),
    email: text(claims.email),
    preferredUsername: text(claims.preferred_username),
  };
}

/**
 * The actor the server's own credentials name: the user name, else the token's claims, else the
 * client certificate's common name; undefined when none says (or cannot be read).
 */
export function claimsOfKubeUser(user: KubeUserCredentials): Actor | undefined {
  if (user.username) return { subject: user.username };
  const token = user.token || readOr(user.tokenFile);
  if (token) return claimsOfBearerToken(token);
  const cert = user.certData || readOr(user.certFile);
  if (!cert) return undefined;
  try {
    const cn = /^CN=(.*)$/m.exec(new X509Certificate(cert).subject)?.[1];
    return cn ? { subject: cn } : undefined;
  } catch {
    return undefined;
  }
}

function readOr(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The claims of the kubeconfig user a KubeStore calls the API as (in a pod, its service account). */
export function kubeStoreIdentity(store: Pick<KubeStore, 'kubeConfig'>): Actor | undefined {
  const user = store.kubeConfig.getCurrentUser();
  if (!user) return undefined;
  const provider = user.authProvider as { name?: string; config?: Record<string, string> } | undefined;
  return claimsOfKubeUser({
    username: user.username,
    token: user.token,
    tokenFile: provider?.name === 'tokenFile' ? provider.config?.tokenFile : undefined,
    // Kubeconfig carries certificate data base64-encoded.
    certData: user.certData ? Buffer.from(user.certData, 'base64').toString('utf8') : undefined,
    certFile: user.certFile,
  });
}
