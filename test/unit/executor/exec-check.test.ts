// Whether a container's program can be started, judged in the container's view of the file system.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execProblem } from '../../../src/executor/host/exec-check.js';
import type { Bind } from '../../../src/executor/host/isolation.js';

let pod: string;
let outside: string;
beforeAll(() => {
  pod = mkdtempSync(path.join(os.tmpdir(), 'exec-check-pod-'));
  outside = mkdtempSync(path.join(os.tmpdir(), 'exec-check-host-'));
  mkdirSync(path.join(pod, 'tmp'));
  writeFileSync(path.join(pod, 'tmp', 'run.sh'), '#!/bin/sh\n');
  chmodSync(path.join(pod, 'tmp', 'run.sh'), 0o755);
  writeFileSync(path.join(pod, 'tmp', 'data.txt'), 'x');
  chmodSync(path.join(pod, 'tmp', 'data.txt'), 0o644);
  writeFileSync(path.join(outside, 'tool'), '#!/bin/sh\n');
  chmodSync(path.join(outside, 'tool'), 0o755);
});
afterAll(() => {
  rmSync(pod, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

// The container's /tmp is the pod's tmp folder (a path relative to the pod's folder, as planned).
const binds: Bind[] = [{ source: 'tmp', target: '/tmp', readOnly: false }];
const problem = (file: string, isolated = true): string | undefined =>
  execProblem(file, isolated ? binds : undefined, pod)?.message;

describe('execProblem', () => {
  it('finds a program through the binds: present and executable is fine', () => {
    expect(problem('/tmp/run.sh')).toBeUndefined();
  });

  it('says "no such file or directory" for a path the container does not have', () => {
    expect(problem('/tmp/missing')).toBe('fork/exec /tmp/missing: no such file or directory');
  });

  it('says "permission denied" for a file that is not executable, or a folder', () => {
    expect(problem('/tmp/data.txt')).toBe('fork/exec /tmp/data.txt: permission denied');
    expect(problem('/tmp')).toBe('fork/exec /tmp: permission denied');
  });

  it('reads host paths as they are when the container is not isolated', () => {
    expect(problem(path.join(outside, 'tool'), false)).toBeUndefined();
    expect(problem('/tmp/run.sh', false)).toBe('fork/exec /tmp/run.sh: no such file or directory');
  });

  it('leaves relative paths to the container, which resolves them in its working folder', () => {
    expect(problem('./not-here')).toBeUndefined();
  });

  it('gives argoexec exit code 64', () => {
    expect(execProblem('/tmp/missing', binds, pod)?.exitCode).toBe(64);
  });
});
