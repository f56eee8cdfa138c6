// `argo kube-api serve` and `argo kube-api kubeconfig`. The running endpoint's address is kept in
// $ARGO_HOME/kube-api/url so `kubeconfig` finds it, whichever port it got. It serves HTTPS because
// kubectl sends a bearer token only over TLS: a self-signed certificate for localhost, made once and
// kept in $ARGO_HOME/kube-api/tls.{crt,key}, goes into the kubeconfig as its certificate authority.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { controllerRunning, spawnDetachedController } from '../../client/local/controller-process.js';
import { ensureServerToken, selfSignedCertificate, type TlsMaterial } from '../../server/index.js';
import { kubeconfigYaml } from '../../server/kube-api/kubeconfig.js';
import { startKubeApiServer } from '../../server/kube-api/server.js';
import { argoHome, openStore } from '../../store/index.js';
import { out } from '../context.js';
import { FlagError } from '../flags.js';
import { KUBE_API_DEFAULT_PORT } from './kube-api.js';

function urlFile(home: string): string {
  return path.join(home, 'kube-api', 'url');
}

function tlsFiles(home: string): { cert: string; key: string } {
  return { cert: path.join(home, 'kube-api', 'tls.crt'), key: path.join(home, 'kube-api', 'tls.key') };
}

async function ensureTls(home: string): Promise<TlsMaterial> {
  const files = tlsFiles(home);
  if (!existsSync(files.cert) || !existsSync(files.key)) {
    const made = await selfSignedCertificate();
    mkdirSync(path.dirname(files.cert), { recursive: true, mode: 0o700 });
    writeFileSync(files.key, made.key, { mode: 0o600 });
    writeFileSync(files.cert, made.cert);
  }
  return { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') };
}

function portOf(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new FlagError(`invalid argument "${value}" for "--port" flag: not a port`);
  return port;
}

function log(msg: string): void {
  process.stdout.write(`time=${new Date().toISOString()} level=INFO msg=${JSON.stringify(msg)}\n`);
}

export async function runKubeApiServe(o: { port: string }): Promise<void> {
  const port = portOf(o.port);
  const home = argoHome();
  const store = openStore();
  const token = ensureServerToken(home);
  const tls = await ensureTls(home);
  let starting = false;
  const server = await startKubeApiServer(store, {
    host: '127.0.0.1',
    port,
    token,
    tls,
    // A workflow written here runs as one submitted with `argo submit` does: on the local engine.
    afterWrite: (kind) => {
      if ((kind !== 'Workflow' && kind !== 'CronWorkflow') || starting) return;
      starting = true;
      void controllerRunning(store)
        .then((running) => {
          if (!running) spawnDetachedController(home);
        })
        .finally(() => (starting = false));
    },
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EADDRINUSE') throw err;
    throw new FlagError(
      `port ${port} on 127.0.0.1 is in use; choose another with --port (0 picks a free one)`,
    );
  });
  mkdirSync(path.dirname(urlFile(home)), { recursive: true });
  writeFileSync(urlFile(home), `${server.url}\n`);
  log(`serving the Kubernetes API of ${home} on ${server.url}`);
  const stop = async (why: string): Promise<void> => {
    log(`stopping: ${why}`);
    rmSync(urlFile(home), { force: true });
    await server.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

export async function runKubeApiKubeconfig(o: { port?: string; namespace: string }): Promise<void> {
  const home = argoHome();
  let url: string;
  if (o.port !== undefined) url = `https://127.0.0.1:${portOf(o.port)}`;
  else {
    try {
      url = readFileSync(urlFile(home), 'utf8').trim();
    } catch {
      url = `https://127.0.0.1:${KUBE_API_DEFAULT_PORT}`;
    }
  }
  const { cert } = await ensureTls(home);
  await out(
    kubeconfigYaml({ url, token: ensureServerToken(home), certificate: cert, namespace: o.namespace }),
  );
}
