// Who a request acts as on a cluster, as upstream's gatekeeper reads it from the credentials:
// a bearer token's JWT claims, a kubeconfig user's name, token (or token file) or certificate.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commonJsExports } from '../../../src/commonjs-import.js';
import { claimsOfBearerToken, claimsOfKubeUser } from '../../../src/server/claims.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'claims-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;

describe('claims of a bearer token', () => {
  it('reads the subject, email and preferred user name of a JWT, unverified (the API server verifies)', () => {
    expect(
      claimsOfBearerToken(
        jwt({ sub: 'system:serviceaccount:argo:ci', email: 'ci@example.com', preferred_username: 'ci' }),
      ),
    ).toEqual({ subject: 'system:serviceaccount:argo:ci', email: 'ci@example.com', preferredUsername: 'ci' });
    // A payload in base64url with characters plain base64 lacks still reads.
    const name = 'é?>~'.repeat(4);
    expect(claimsOfBearerToken(jwt({ sub: name }))?.subject).toBe(name);
  });

  it('gives a JWT without those claims an actor with none, as upstream records an empty map', () => {
    expect(claimsOfBearerToken(jwt({ iss: 'x' }))).toEqual({
      subject: undefined,
      email: undefined,
      preferredUsername: undefined,
    });
  });

  it('names nobody for a token that is not a JWT', () => {
    expect(claimsOfBearerToken('opaque-token')).toBeUndefined();
    expect(claimsOfBearerToken('a.b.c')).toBeUndefined();
    expect(claimsOfBearerToken(`x.${part([1, 2])}.y`)).toBeUndefined();
    // Claims of the wrong type do not decode, as upstream's typed claims do not.
    expect(claimsOfBearerToken(jwt({ sub: 7 }))).toBeUndefined();
  });
});

describe("claims of the server's own kubeconfig user", () => {
  it('prefers the user name, then the token or token file', () => {
    expect(claimsOfKubeUser({ username: 'admin', token: jwt({ sub: 'other' }) })).toEqual({
      subject: 'admin',
    });
    expect(claimsOfKubeUser({ token: jwt({ sub: 'sa' }) })?.subject).toBe('sa');
    const file = path.join(scratch, 'token');
    writeFileSync(file, jwt({ sub: 'system:serviceaccount:argo:argo-server' }));
    expect(claimsOfKubeUser({ tokenFile: file })?.subject).toBe('system:serviceaccount:argo:argo-server');
    expect(claimsOfKubeUser({ tokenFile: path.join(scratch, 'missing') })).toBeUndefined();
    expect(claimsOfKubeUser({ token: 'opaque' })).toBeUndefined();
  });

  it("reads a client certificate's common name", async () => {
    const { generate } = await commonJsExports(import('selfsigned'));
    const pems = await generate([
      { name: 'commonName', value: 'jane' },
      { name: 'organizationName', value: 'system:masters' },
    ]);
    expect(claimsOfKubeUser({ certData: pems.cert })).toEqual({ subject: 'jane' });
    const file = path.join(scratch, 'client.crt');
    writeFileSync(file, pems.cert);
    expect(claimsOfKubeUser({ certFile: file })).toEqual({ subject: 'jane' });
    expect(claimsOfKubeUser({ certData: 'not a certificate' })).toBeUndefined();
    expect(claimsOfKubeUser({})).toBeUndefined();
  });
});
