// What upstream's argo logs at debug level (-v or --loglevel debug): the CLI version before every
// command, and each request to the Argo Server. Loaded only when debug logging is on.
import type { VersionInfo } from '../client/types.js';
import { createLogger, type LogFormat } from '../server/logger.js';

export type DebugLog = (msg: string, fields: Record<string, unknown>) => void;

export function debugLog(logFormat: string): DebugLog {
  const format: LogFormat = logFormat === 'json' ? 'json' : 'text';
  const logger = createLogger(format, 'debug');
  return (msg, fields) => logger.debug(fields, msg);
}

/** The version as Go's `%+v` prints upstream's Version struct, which its text logs show. */
function goStruct(v: VersionInfo): string {
  return (
    `{Version:${v.version} BuildDate:${v.buildDate} GitCommit:${v.gitCommit} GitTag:${v.gitTag} ` +
    `GitTreeState:${v.gitTreeState} GoVersion:${v.goVersion} Compiler:${v.compiler} Platform:${v.platform}}`
  );
}

export async function logCliVersion(logFormat: string): Promise<void> {
  const { versionInfo } = await import('../client/version.js');
  const v = versionInfo();
  debugLog(logFormat)('CLI version', { version: logFormat === 'json' ? v : goStruct(v) });
}
