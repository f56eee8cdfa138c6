// Ctrl+C or SIGTERM while a local `argo submit` is still reading and validating its manifest: the
// command stops before anything is stored, says so in one line and exits with the signal's code.
// The manifest is a FIFO, so the test knows the CLI is reading it (its open returns only then) and
// sends the signal while the CLI is inside that step, not by luck of timing.
import { execFileSync, spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithHome, repoRoot, type Cli } from './cli.js';

let cli: Cli;
let dir: string;

beforeAll(() => {
  cli = cliWithHome();
  dir = mkdtempSync(path.join(os.tmpdir(), 'argo-interrupt-'));
});

afterAll(() => {
  cli.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const manifest = (name: string): string => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: ${name}}
spec:
  entrypoint: main
  templates:
  - name: main
    container: {image: busybox, command: [echo, hi]}
`;

describe.runIf(process.platform === 'linux')('argo submit interrupted before the workflow is stored', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s: one line, exit %i, nothing stored',
    async (signal, code) => {
      const name = `interrupted-${signal.toLowerCase()}`;
      const fifo = path.join(dir, `${name}.yaml`);
      execFileSync('mkfifo', [fifo]);
      const child = spawn(process.execPath, [path.join(repoRoot, 'bin/argo.js'), 'submit', fifo], {
        env: { ...process.env, ARGO_HOME: cli.home, ARGO_LOCAL: 'true', NO_COLOR: '1', ARGO_SERVER: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      // Resolves once the CLI has opened the manifest to read it.
      const writer = await open(fifo, 'w');
      await writer.write(manifest(name));
      child.kill(signal);
      // Handled while the CLI waits for the rest of the file, or at the checkpoint after parsing it.
      await writer.close();
      // All three at once, so a failure shows what the command did instead.
      expect({ exit: await exited, stderr, stdout }).toEqual({
        exit: code,
        stderr: `Error: interrupted by ${signal}: no workflow was submitted\n`,
        stdout: '',
      });
      const list = await cli.run(['list', '-o', 'name']);
      expect(list.code).toBe(0);
      expect(list.stdout).not.toContain(name);
    },
    30_000,
  );
});
