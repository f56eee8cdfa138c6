// `argo version` text, in the Go CLI's layout.
import type { VersionInfo } from '../../client/types.js';

export function printVersion(name: string, v: VersionInfo, short: boolean): string {
  let s = `${name}: ${v.version}\n`;
  if (short) return s;
  s += `  BuildDate: ${v.buildDate}\n`;
  s += `  GitCommit: ${v.gitCommit}\n`;
  s += `  GitTreeState: ${v.gitTreeState}\n`;
  if (v.gitTag) s += `  GitTag: ${v.gitTag}\n`;
  s += `  GoVersion: ${v.goVersion}\n`;
  s += `  Compiler: ${v.compiler}\n`;
  s += `  Platform: ${v.platform}\n`;
  return s;
}
