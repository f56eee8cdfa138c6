// `argo server`: the Argo Server API (listed in `argo --help`, as upstream lists it). Flags as upstream declares them;
// like upstream, each flag not given falls back to ARGO_<FLAG> (e.g. ARGO_PORT, ARGO_AUTH_MODE).
import type { Command } from 'commander';
import { addFlags, type FlagSpec } from '../flags.js';

export const SERVER_FLAGS: FlagSpec[] = [
  {
    long: 'access-control-allow-origin',
    type: 'string',
    description: 'Value of the Access-Control-Allow-Origin header on every response (CORS); none by default',
  },
  {
    long: 'allowed-link-protocol',
    type: 'stringArray',
    default: ['http', 'https'],
    description: 'Protocols links may use (accepted for compatibility; this server has no UI links)',
  },
  {
    long: 'api-rate-limit',
    type: 'int',
    valueName: 'uint',
    default: 1000,
    description: 'Requests per second allowed from one client address; 0 turns the limit off',
  },
  {
    long: 'auth-mode',
    type: 'stringArray',
    default: ['client'],
    description:
      "How callers authenticate: client (a bearer token: this machine's, see `argo auth token`; with a kubeconfig, the caller's Kubernetes token, judged by the cluster's RBAC), server (the server's own rights), hybrid (both); repeatable",
  },
  {
    long: 'base-href',
    type: 'string',
    default: '/',
    description: 'Path prefix the server is reached under behind a reverse proxy',
  },
  {
    long: 'browser',
    short: 'b',
    type: 'bool',
    description: 'Open the server address in a browser once it is listening',
  },
  {
    long: 'configmap',
    type: 'string',
    default: 'workflow-controller-configmap',
    description: 'Name of the controller ConfigMap, whose persistence block names the workflow archive',
  },
  {
    long: 'event-async-dispatch',
    type: 'bool',
    description: 'Dispatch received events in the background (accepted for compatibility)',
  },
  {
    long: 'event-operation-queue-size',
    type: 'int',
    default: 16,
    description: 'Received events that may wait for dispatch (accepted for compatibility)',
  },
  {
    long: 'event-worker-count',
    type: 'int',
    default: 4,
    description: 'Workers dispatching received events (accepted for compatibility)',
  },
  {
    long: 'hsts',
    type: 'bool',
    default: true,
    description: 'Send Strict-Transport-Security on responses; only when serving TLS',
  },
  {
    long: 'kube-api-burst',
    type: 'int',
    default: 30,
    description: 'Burst of requests to the Kubernetes API (with a cluster)',
  },
  {
    long: 'kube-api-qps',
    type: 'float32',
    default: 20,
    description: 'Requests per second to the Kubernetes API (with a cluster)',
  },
  { long: 'log-format', type: 'string', default: 'text', description: 'Log line format: text or json' },
  {
    long: 'loglevel',
    type: 'string',
    default: 'info',
    description: 'Least severe log level written: debug, info, warn or error',
  },
  {
    long: 'managed-namespace',
    type: 'string',
    description: 'The one namespace served with --namespaced (default: the current namespace)',
  },
  { long: 'namespaced', type: 'bool', description: 'Serve one namespace only; other namespaces are refused' },
  { long: 'port', short: 'p', type: 'int', default: 2746, description: 'Port to listen on' },
  {
    long: 'secure',
    short: 'e',
    type: 'bool',
    default: true,
    description: 'Serve HTTPS (a self-signed certificate is made at start unless a secret is named)',
  },
  {
    long: 'tls-certificate-secret-name',
    type: 'string',
    description: 'A kubernetes.io/tls Secret (tls.crt, tls.key) in the server namespace to serve HTTPS with',
  },
  {
    long: 'x-frame-options',
    type: 'string',
    default: 'DENY',
    description: 'Value of the X-Frame-Options header on every response',
  },
];

export function registerServer(program: Command): void {
  const cmd = program
    .command('server')
    .description('start the Argo Server')
    .usage('[flags]')
    .addHelpText(
      'after',
      '\nExamples:\n  See https://argo-workflows.readthedocs.io/en/latest/argo-server/\n',
    );
  addFlags(cmd, SERVER_FLAGS);
  cmd.action(async (_o: unknown, self: Command) => {
    const { runServer } = await import('./server-run.js');
    await runServer(self);
  });
}
