// What `argo version` and the server's version endpoint report.
import { readFileSync } from 'node:fs';
import { packageFile } from '../package-files.js';
import type { VersionInfo } from './types.js';

let cached: VersionInfo | undefined;

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

export function versionInfo(): VersionInfo {
  if (cached) return cached;
  let build: Partial<VersionInfo> = {};
  try {
    build = JSON.parse(readFileSync(packageFile('dist/build-info.json'), 'utf8')) as Partial<VersionInfo>;
  } catch {
    // Running from sources without a build: report what is known.
  }
  cached = {
    version: build.version ?? 'v0.0.0-unknown',
    buildDate: build.buildDate ?? 'unknown',
    gitCommit: build.gitCommit ?? 'unknown',
    gitTag: build.gitTag ?? '',
    gitTreeState: build.gitTreeState ?? 'unknown',
    // Argo reports the Go toolchain; this build runs on Node.js.
    goVersion: `node${process.versions.node}`,
    compiler: 'tsc',
    platform: `${process.platform}/${ARCH[process.arch] ?? process.arch}`,
  };
  return cached;
}
