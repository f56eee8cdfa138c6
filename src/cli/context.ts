// What every command needs: the resolved global options, a client for the chosen backend, and
// Argo's way of reporting a fatal error.
import type { Command } from 'commander';
import type { KubeFlags } from '../client/index.js';
import type { TlsFiles } from '../client/http/transport.js';
import type { ArgoClient } from '../client/types.js';
import type { EngineMode } from '../client/local/client.js';
import { GLOBAL_FLAG_ENV } from './global-flags.js';
import { interruptsTrapped, signalExitCode } from './interrupt.js';

export interface GlobalOptions {
  argoServer?: string;
  argoHttp1: boolean;
  argoBaseHref?: string;
  namespace?: string;
  kubeconfig?: string;
  token?: string;
  secure: boolean;
  insecureSkipVerify: boolean;
  instanceid?: string;
  header: string[];
  requestTimeout: string;
  loglevel: string;
  logFormat: string;
  verbose: boolean;
  /**
   * kubectl's flags for the kube backend, as given on the command line only: KUBECONFIG is read
   * where the kubeconfig is loaded, and ARGO_TOKEN is the Argo Server's, not the cluster's.
   */
  kube: KubeFlags & { kubeconfig?: string };
  /** kubectl's certificate flags, which upstream also uses for the TLS connection to the Argo Server. */
  tlsFiles: TlsFiles;
}

function envBool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  return /^(1|t|true)$/i.test(v);
}

/** Global flags of the root command, each falling back to its environment variable. */
export function globalOptions(cmd: Command, env: NodeJS.ProcessEnv = process.env): GlobalOptions {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  const str = (flag: string, key: string): string | undefined => {
    const v = o[key] as string | undefined;
    if (v !== undefined && cmd.getOptionValueSourceWithGlobals(key) === 'cli') return v;
    const e = GLOBAL_FLAG_ENV[flag] ? env[GLOBAL_FLAG_ENV[flag]] : undefined;
    return e !== undefined && e !== '' ? e : v;
  };
  const bool = (flag: string, key: string, dflt: boolean): boolean => {
    if (cmd.getOptionValueSourceWithGlobals(key) === 'cli') return o[key] === true;
    const e = GLOBAL_FLAG_ENV[flag] ? envBool(env[GLOBAL_FLAG_ENV[flag]]) : undefined;
    return e ?? (o[key] as boolean | undefined) ?? dflt;
  };
  return {
    argoServer: str('argo-server', 'argoServer'),
    argoHttp1: bool('argo-http1', 'argoHttp1', false),
    argoBaseHref: str('argo-base-href', 'argoBaseHref'),
    namespace: str('namespace', 'namespace'),
    kubeconfig: str('kubeconfig', 'kubeconfig'),
    token: str('token', 'token'),
    secure: bool('secure', 'secure', true),
    // kubectl's --insecure-skip-tls-verify also stands for -k on the Argo Server's connection.
    insecureSkipVerify:
      bool('insecure-skip-verify', 'insecureSkipVerify', false) || o.insecureSkipTlsVerify === true,
    instanceid: str('instanceid', 'instanceid'),
    header: (o.header as string[] | undefined) ?? [],
    requestTimeout: str('request-timeout', 'requestTimeout') ?? '0',
    loglevel: str('loglevel', 'loglevel') ?? 'info',
    logFormat: str('log-format', 'logFormat') ?? 'text',
    verbose: o.verbose === true,
    kube: kubeFlags(cmd),
    tlsFiles: {
      clientCertificate: o.clientCertificate as string | undefined,
      clientKey: o.clientKey as string | undefined,
      certificateAuthority: o.certificateAuthority as string | undefined,
    },
  };
}

/** -v or --loglevel debug (ARGO_LOGLEVEL=debug): log what upstream logs at debug level. */
export function isDebug(g: Pick<GlobalOptions, 'verbose' | 'loglevel'>): boolean {
  return g.verbose || g.loglevel === 'debug';
}

function kubeFlags(cmd: Command): GlobalOptions['kube'] {
  const o = cmd.optsWithGlobals() as Record<string, unknown>;
  const given = (key: string): string | undefined => {
    const v = o[key];
    return cmd.getOptionValueSourceWithGlobals(key) === 'cli' && typeof v === 'string' && v !== ''
      ? v
      : undefined;
  };
  return {
    kubeconfig: given('kubeconfig'),
    context: given('context'),
    cluster: given('cluster'),
    user: given('user'),
    server: given('server'),
    token: given('token'),
    insecureSkipTlsVerify: o.insecureSkipTlsVerify === true || undefined,
    unsupported: UNAPPLIED_KUBE_FLAGS.filter(
      (flag) => cmd.getOptionValueSourceWithGlobals(camel(flag)) === 'cli',
    ).map((flag) => `--${flag}`),
  };
}

/** kubectl flags the kube backend cannot apply yet: given, they are refused rather than ignored. */
const UNAPPLIED_KUBE_FLAGS = [
  'as',
  'as-group',
  'as-uid',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'username',
  'password',
  'proxy-url',
  'tls-server-name',
];

const camel = (flag: string): string => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Runs `fn` with a client and always releases it (the local backend hands off its engine). */
export async function withClient<T>(
  cmd: Command,
  fn: (client: ArgoClient, g: GlobalOptions) => Promise<T>,
  opts: { engine?: EngineMode } = {},
): Promise<T> {
  const g = globalOptions(cmd);
  const { createClient } = await import('../client/index.js');
  const { requestTimeoutMs, withRequestTimeout } = await import('./request-timeout.js');
  const timeoutMs = requestTimeoutMs(g.requestTimeout);
  // KUBECONFIG (a list of files) is read from the environment; this is --kubeconfig only.
  const { kubeconfig, ...kube } = g.kube;
  const created = await createClient({
    argoServer: g.argoServer,
    kubeconfig,
    kube,
    namespace: g.namespace,
    engine: opts.engine,
    http: {
      secure: g.secure,
      insecureSkipVerify: g.insecureSkipVerify,
      baseHref: g.argoBaseHref,
      token: g.token,
      headers: g.header,
      requestTimeout: g.requestTimeout,
      tlsFiles: g.tlsFiles,
      debug: isDebug(g) ? (await import('./debug-log.js')).debugLog(g.logFormat) : undefined,
    },
  });
  // The http backend bounds its requests itself.
  const client = created.backend === 'http' ? created : withRequestTimeout(created, timeoutMs);
  const onSignal = (signal: NodeJS.Signals): void => {
    // A command that traps signals finishes its step and reports; see interrupt.ts.
    if (interruptsTrapped()) return;
    // A second signal while the client closes ends the process at once.
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    void client.close().finally(() => process.exit(signalExitCode(signal as 'SIGINT' | 'SIGTERM')));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(client, g);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await client.close();
  }
}

/** The namespace a command works in: -n, else the client's default. */
export function namespaceOf(client: ArgoClient, g: GlobalOptions): string {
  return g.namespace || client.namespace;
}

/** Thrown to end the process with a status and no further output. */
export class ExitError extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Writes to stdout and resolves once written (stdout.ts). */
export { out } from './stdout.js';
