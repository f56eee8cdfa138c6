// The root command's flags: Kubernetes client flags, Argo Server client flags and logging.
import type { FlagSpec } from './flags.js';

export const GLOBAL_FLAGS: FlagSpec[] = [
  {
    long: 'argo-base-href',
    type: 'string',
    description: 'Base path of the Argo Server behind a proxy (env ARGO_BASE_HREF)',
  },
  { long: 'argo-http1', type: 'bool', description: 'Talk to the Argo Server over HTTP/1.1 (env ARGO_HTTP1)' },
  {
    long: 'argo-server',
    short: 's',
    type: 'string',
    valueName: 'host:port',
    description: 'Argo Server address as host:port, e.g. localhost:2746 (env ARGO_SERVER)',
  },
  { long: 'as', type: 'string', description: 'Act as this user (impersonation)' },
  {
    long: 'as-group',
    type: 'stringArray',
    description: 'Act as a member of this group (impersonation); repeatable',
  },
  { long: 'as-uid', type: 'string', description: 'Act with this UID (impersonation)' },
  {
    long: 'certificate-authority',
    type: 'string',
    description: 'CA certificate file for the Kubernetes API and the Argo Server',
  },
  {
    long: 'client-certificate',
    type: 'string',
    description: 'Client certificate file for TLS to the Kubernetes API and the Argo Server',
  },
  {
    long: 'client-key',
    type: 'string',
    description: 'Client key file for TLS to the Kubernetes API and the Argo Server',
  },
  { long: 'cluster', type: 'string', description: 'Kubeconfig cluster to use' },
  { long: 'context', type: 'string', description: 'Kubeconfig context to use' },
  { long: 'disable-compression', type: 'bool', description: 'Ask the server not to compress responses' },
  { long: 'gloglevel', type: 'int', description: 'Verbosity of the Kubernetes client glog logging' },
  {
    long: 'header',
    short: 'H',
    type: 'strings',
    description:
      'Extra HTTP header for every Argo Server request, as "Name: value"; repeatable or comma separated (HTTP/1.1 mode only)',
  },
  {
    long: 'insecure-skip-tls-verify',
    type: 'bool',
    description: 'Do not verify the certificate of the Kubernetes API server or the Argo Server (insecure)',
  },
  {
    long: 'insecure-skip-verify',
    short: 'k',
    type: 'bool',
    description:
      'Do not verify the certificate of the Argo Server (insecure) (env ARGO_INSECURE_SKIP_VERIFY)',
  },
  {
    long: 'instanceid',
    type: 'string',
    description: 'Controller instance id to label submitted resources with (env ARGO_INSTANCEID)',
  },
  { long: 'kubeconfig', type: 'string', description: 'Kubeconfig file to use when outside a cluster' },
  { long: 'log-format', type: 'string', default: 'text', description: 'Log format: text or json' },
  { long: 'loglevel', type: 'string', default: 'info', description: 'Log level: debug, info, warn or error' },
  { long: 'namespace', short: 'n', type: 'string', description: 'Namespace to work in' },
  { long: 'password', type: 'string', description: 'Password for basic auth to the Kubernetes API' },
  { long: 'proxy-url', type: 'string', description: 'Proxy URL for connections to the server' },
  {
    long: 'request-timeout',
    type: 'string',
    default: '0',
    description: 'Timeout for a single server request, e.g. 1s, 2m, 3h; 0 means none',
  },
  {
    long: 'secure',
    short: 'e',
    type: 'bool',
    default: true,
    description: 'Use TLS to reach the Argo Server (env ARGO_SECURE)',
  },
  { long: 'server', type: 'string', description: 'Kubernetes API server address and port' },
  {
    long: 'tls-server-name',
    type: 'string',
    description: 'Server name to check the certificate against instead of the host name',
  },
  { long: 'token', type: 'string', description: 'Bearer token for the API server' },
  { long: 'user', type: 'string', description: 'Kubeconfig user to use' },
  { long: 'username', type: 'string', description: 'Username for basic auth to the Kubernetes API' },
  { long: 'verbose', short: 'v', type: 'bool', description: 'Verbose logging (same as --loglevel debug)' },
];

/** Env vars that stand in for global flags when the flag is not given (ARGO_<FLAG> as Argo binds them). */
export const GLOBAL_FLAG_ENV: Record<string, string> = {
  'argo-base-href': 'ARGO_BASE_HREF',
  'argo-http1': 'ARGO_HTTP1',
  'argo-server': 'ARGO_SERVER',
  'insecure-skip-verify': 'ARGO_INSECURE_SKIP_VERIFY',
  instanceid: 'ARGO_INSTANCEID',
  kubeconfig: 'KUBECONFIG',
  namespace: 'ARGO_NAMESPACE',
  secure: 'ARGO_SECURE',
  token: 'ARGO_TOKEN',
  loglevel: 'ARGO_LOGLEVEL',
  'log-format': 'ARGO_LOG_FORMAT',
  'request-timeout': 'ARGO_REQUEST_TIMEOUT',
};
