// Records what `argo version` reports about this build: written to dist/build-info.json after tsc.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

function git(args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const commit = git(['rev-parse', 'HEAD']);
const dirty = commit ? git(['status', '--porcelain', '--untracked-files=no']) !== '' : false;
const tag = git(['describe', '--tags', '--exact-match']);
const info = {
  version: `v${pkg.version}`,
  buildDate: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
  gitCommit: commit || 'unknown',
  gitTag: tag,
  gitTreeState: commit ? (dirty ? 'dirty' : 'clean') : 'unknown',
};
mkdirSync(new URL('../dist/', import.meta.url), { recursive: true });
writeFileSync(new URL('../dist/build-info.json', import.meta.url), `${JSON.stringify(info, null, 2)}\n`);
