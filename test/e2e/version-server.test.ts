// `argo version` against an Argo Server that only talks to clients with a certificate from its CA:
// the server's version block, --short, an unreachable server, debug logging, and kubectl's
// certificate flags sent on the TLS connection as upstream's CLI sends them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, useCli } from './cli.js';

const cli = useCli();
const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-mtls-'));
const file = (name: string): string => path.join(dir, name);

const SERVER_VERSION = {
  version: 'v4.1.2',
  buildDate: '2025-01-02T03:04:05Z',
  gitCommit: 'abc123',
  gitTag: 'v4.1.2',
  gitTreeState: 'clean',
  goVersion: 'go1.24.1',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** A CA, and a certificate signed by it for `name` (with extra X.509 extensions). */
function makeCerts(): void {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca');
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ]) {
    writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}-user`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
}

let server: https.Server;
let address = '';
const seenClients: string[] = [];

beforeAll(async () => {
  makeCerts();
  server = https.createServer(
    {
      key: readFileSync(file('server.key')),
      cert: readFileSync(file('server.crt')),
      ca: readFileSync(file('ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      seenClients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
      if (req.url !== '/api/v1/version') {
        res.writeHead(404).end('{"code":5,"message":"not found"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(SERVER_VERSION));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const certFlags = (): string[] => [
  '--client-certificate',
  file('client.crt'),
  '--client-key',
  file('client.key'),
  '--certificate-authority',
  file('ca.crt'),
];
const withServer = (): NodeJS.ProcessEnv => ({ ARGO_SERVER: address, ARGO_LOCAL: 'false' });

describe('argo version with an Argo Server', () => {
  it('prints the argo-server block fetched from the server, over TLS with the client certificate', async () => {
    seenClients.length = 0;
    const r = await cli.run(['version', ...certFlags()], { env: withServer() });
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const serverBlock = r.stdout.slice(r.stdout.indexOf('argo-server:'));
    expect(r.stdout).toMatch(/^argo: v\d+\.\d+\.\d+/);
    expect(serverBlock).toBe(
      'argo-server: v4.1.2\n  BuildDate: 2025-01-02T03:04:05Z\n  GitCommit: abc123\n  GitTreeState: clean\n' +
        '  GitTag: v4.1.2\n  GoVersion: go1.24.1\n  Compiler: gc\n  Platform: linux/amd64\n',
    );
    expect(seenClients).toEqual(['client-user']);
  });

  it('--short prints an argo: and an argo-server: line', async () => {
    const r = await cli.run(['version', '--short', ...certFlags()], { env: withServer() });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.stringMatching(/^argo: v\d/), 'argo-server: v4.1.2']);
  });

  it('a server that refuses the connection (no client certificate) is an error in one line', async () => {
    const r = await cli.run(['version', '--short', '--certificate-authority', file('ca.crt')], {
      env: withServer(),
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(/^Error: cannot reach the Argo Server at https:\/\//),
    ]);
  });

  it('a certificate without its key is refused as upstream refuses it', async () => {
    const r = await cli.run(['version', '--client-certificate', file('client.crt')], { env: withServer() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: --client-certificate and --client-key must be provided together\n');
  });

  it('-v logs the CLI version and the request on stderr, as upstream does at debug level', async () => {
    const r = await cli.run(['version', '--short', '-v', ...certFlags()], { env: withServer() });
    expect(r.code).toBe(0);
    const log = lines(r.stderr);
    expect(log[0]).toMatch(
      /^time=\S+ level=DEBUG msg="CLI version" version="\{Version:v\d+\.\d+\.\d+ BuildDate:/,
    );
    expect(log[1]).toMatch(
      new RegExp(
        `^time=\\S+ level=DEBUG msg="curl -X" url=https://${address}/api/v1/version method=GET data=""$`,
      ),
    );
  });
});

describe('argo version without a server', () => {
  it('--loglevel debug logs the CLI version line only', async () => {
    const r = await cli.run(['version', '--short', '--loglevel', 'debug']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.stringMatching(/^argo: v\d/)]);
    expect(lines(r.stderr)).toEqual([expect.stringMatching(/level=DEBUG msg="CLI version"/)]);
  });
});
