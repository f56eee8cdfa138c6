// Where the embedded backend keeps its state (the SQLite file, logs, artifacts).
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * `$ARGO_HOME` when set, else the platform's per-user data directory followed by `argo-ts`.
 * The parameters exist so tests can ask about another platform; callers use the defaults.
 */
export function argoHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.ARGO_HOME) return env.ARGO_HOME;
  switch (platform) {
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', 'argo-ts');
    case 'win32':
      return path.win32.join(env.LOCALAPPDATA || path.win32.join(home, 'AppData', 'Local'), 'argo-ts');
    default: {
      // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
      const xdg = env.XDG_DATA_HOME;
      const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home, '.local', 'share');
      return path.posix.join(base, 'argo-ts');
    }
  }
}
