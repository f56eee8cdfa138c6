// The root's kubectl flags as a command that talks to the Kubernetes API itself (argoexec, the
// workflow controller) takes them: only what was given on the command line, since KUBECONFIG and
// the other defaults are the config loader's business.
import type { Command } from 'commander';
import type { KubeConnectOptions } from '../store/kube/config.js';

/** A root flag's value when it was given on the command line. */
export function fromCli(cmd: Command, key: string): string | undefined {
  const source = cmd.getOptionValueSourceWithGlobals(key);
  const value = (cmd.optsWithGlobals() as Record<string, unknown>)[key];
  return source === 'cli' && typeof value === 'string' ? value : undefined;
}

export function kubeAccess(cmd: Command): KubeConnectOptions {
  const insecure = cmd.getOptionValueSourceWithGlobals('insecureSkipTlsVerify') === 'cli';
  return {
    kubeconfig: fromCli(cmd, 'kubeconfig'),
    context: fromCli(cmd, 'context'),
    cluster: fromCli(cmd, 'cluster'),
    user: fromCli(cmd, 'user'),
    namespace: fromCli(cmd, 'namespace'),
    server: fromCli(cmd, 'server'),
    token: fromCli(cmd, 'token'),
    insecureSkipTlsVerify: insecure ? true : undefined,
  };
}
