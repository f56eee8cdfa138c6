// A PostgreSQL server that speaks only TLS, made of the plain one on this machine: it answers a
// client's SSLRequest with 'S', does the TLS handshake with the certificate it is given, and
// forwards the decrypted bytes to 127.0.0.1:5432. A client that starts without asking for TLS is
// refused with the FATAL error a `hostssl`-only server sends. It counts the TLS sessions it made,
// so a test can tell that a connection was encrypted.
import net from 'node:net';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** PostgreSQL's SSLRequest code (1234 5679). */
const SSL_REQUEST_CODE = 80877103;

/** A FATAL ErrorResponse message of PostgreSQL's protocol. */
function fatal(code: string, message: string): Buffer {
  const fields = Buffer.concat([
    ...[
      ['S', 'FATAL'],
      ['V', 'FATAL'],
      ['C', code],
      ['M', message],
    ].map(([type, value]) => Buffer.from(`${type}${value}\0`)),
    Buffer.from([0]),
  ]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

export class PostgresTlsProxy {
  /** TLS handshakes completed: connections that were encrypted. */
  tlsSessions = 0;
  private readonly sockets = new Set<net.Socket>();
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(cert: { key: string; cert: string }, target = 5432): Promise<PostgresTlsProxy> {
    // The handler runs once a client connects, after `proxy` below is made.
    const server = net.createServer((client) => {
      proxy.track(client);
      client.once('data', (first) => {
        if (first.length !== 8 || first.readInt32BE(4) !== SSL_REQUEST_CODE) {
          client.end(fatal('28000', 'no pg_hba.conf entry for host "127.0.0.1", SSL off'));
          return;
        }
        client.write('S');
        const secure = new tls.TLSSocket(client, { isServer: true, ...cert });
        secure.on('error', () => undefined);
        secure.once('secure', () => {
          proxy.tlsSessions++;
          const upstream = proxy.track(net.connect(target, '127.0.0.1'));
          secure.pipe(upstream).pipe(secure);
          secure.on('close', () => upstream.destroy());
          upstream.on('close', () => secure.destroy());
        });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const proxy = new PostgresTlsProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  private track(s: net.Socket): net.Socket {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
    return s;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

/** openssl req's arguments for a new P-256 key, unencrypted (it lives as long as the test). */
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/**
 * A certificate authority made for one test run, and server certificates it signs, by openssl in
 * a temporary folder (nothing is kept: `dispose` removes the keys).
 */
export class TestCertificates {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'argo-tls-'));
  /** The CA's certificate file: what PGSSLROOTCERT names. */
  readonly caFile = path.join(this.dir, 'ca.crt');

  constructor() {
    this.openssl([
      'req',
      '-x509',
      ...NEW_KEY,
      '-keyout',
      path.join(this.dir, 'ca.key'),
      '-out',
      this.caFile,
      '-days',
      '1',
      '-subj',
      '/CN=argo-ts test CA',
    ]);
  }

  /** A server certificate for `altName` (`IP:127.0.0.1`, `DNS:db.example`) signed by the CA. */
  server(name: string, altName: string): { key: string; cert: string } {
    const file = (ext: string): string => path.join(this.dir, `${name}.${ext}`);
    writeFileSync(file('ext'), `subjectAltName=${altName}\n`);
    this.openssl(['req', ...NEW_KEY, '-keyout', file('key'), '-out', file('csr'), '-subj', `/CN=${name}`]);
    this.openssl([
      'x509',
      '-req',
      '-in',
      file('csr'),
      '-CA',
      this.caFile,
      '-CAkey',
      path.join(this.dir, 'ca.key'),
      '-CAcreateserial',
      '-out',
      file('crt'),
      '-days',
      '1',
      '-extfile',
      file('ext'),
    ]);
    return { key: readFileSync(file('key'), 'utf8'), cert: readFileSync(file('crt'), 'utf8') };
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private openssl(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  }
}
