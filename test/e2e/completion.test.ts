// Completion through real shells: the scripts `argo completion SHELL` prints are loaded into bash,
// zsh and fish, which then complete commands, flags, -o values and a workflow name from the backend.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, fixture, repoRoot } from './cli.js';

const cli = cliWithHome();
afterAll(() => cli.dispose());

function has(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

/** CI installs the shells (.ci/run); elsewhere a missing shell skips its test. */
const shellTest = (shell: string) => (has(shell) || process.env.CI ? it : it.skip);

let env: NodeJS.ProcessEnv;
let workflow = '';

beforeAll(async () => {
  // `argo` on PATH runs this checkout, as the scripts call it by name.
  const bin = mkdtempSync(path.join(os.tmpdir(), 'argo-bin-'));
  writeFileSync(
    path.join(bin, 'argo'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'bin/argo.js')}" "$@"\n`,
  );
  chmodSync(path.join(bin, 'argo'), 0o755);
  const submitted = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
  expect(submitted.code).toBe(0);
  workflow = submitted.stdout.trim().split('\n')[0];
  env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ARGO_LOCAL: 'true', ARGO_HOME: cli.home };
  env.NO_COLOR = '1';
}, 60_000);

describe('completions/ holds what argo completion prints', () => {
  for (const [shell, file] of [
    ['bash', 'argo.bash'],
    ['zsh', '_argo'],
    ['fish', 'argo.fish'],
  ]) {
    it(`completions/${file}`, async () => {
      const printed = await cli.run(['completion', shell]);
      expect(printed.code).toBe(0);
      // Regenerate with: node bin/argo.js completion SHELL > completions/FILE
      expect(readFileSync(path.join(repoRoot, 'completions', file), 'utf8')).toBe(printed.stdout);
    });
  }
});

function bashComplete(words: string[]): string[] {
  const script = `
source <(argo completion bash)
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_argo_ts_complete
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['--norc', '--noprofile', '-c', script], { env, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

describe('bash', () => {
  shellTest('bash')('completes commands, flags, -o values and a workflow name', () => {
    expect(bashComplete(['argo', 'clu'])).toEqual(['cluster-template']);
    expect(bashComplete(['argo', 'list', '--out'])).toEqual(['--output']);
    expect(bashComplete(['argo', 'get', '-o', ''])).toEqual(['name', 'json', 'yaml', 'short', 'wide']);
    expect(bashComplete(['argo', 'get', ''])).toEqual([workflow]);
    expect(bashComplete(['argo', '-n', 'default', 'logs', workflow.slice(0, 6)])).toEqual([workflow]);
  });
});

describe('zsh', () => {
  shellTest('zsh')('completes a workflow name on a terminal, and the completed command runs', () => {
    // A real interactive zsh on a pseudo-terminal (zpty): type `argo get <TAB>` then Enter.
    const script = `
zmodload zsh/zpty
setopt extended_glob
zpty -b z zsh -f -i
zpty -w z 'PS1="%% "; autoload -U compinit; compinit -u -D; source <(argo completion zsh)'
local out='' chunk
# Reads what the terminal shows until it matches $1 (or about ten seconds pass).
readUntil() {
  for i in {1..100}; do
    while zpty -rt z chunk; do out+=$chunk; done
    [[ $out == $~1 ]] && return
    sleep 0.1
  done
}
zpty -w -n z $'argo get e2e-succ\t'
readUntil '*e2e-succeed-[a-z0-9](#c5)*'
zpty -w -n z $'\r'
readUntil '*Duration:*'
zpty -d z
print -r -- $out`;
    const out = execFileSync('zsh', ['-f', '-c', script], { env, encoding: 'utf8', timeout: 30_000 });
    expect(out).toMatch(new RegExp(`Name:\\s+${workflow}`));
    expect(out).toContain('Succeeded');
  });
});

describe('fish', () => {
  shellTest('fish')('completes commands and a workflow name with complete -C', () => {
    const run = (line: string): string[] =>
      execFileSync(
        'fish',
        ['--no-config', '-c', `argo completion fish | source; complete -C ${JSON.stringify(line)}`],
        { env, encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean);
    expect(run('argo get ')).toEqual([workflow]);
    expect(run('argo cluster')).toEqual(['cluster-template']);
    expect(run('argo list -o ').sort()).toEqual(['json', 'name', 'wide', 'yaml']);
  });
});
