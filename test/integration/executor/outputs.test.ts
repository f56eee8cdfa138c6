// Pods run on the host report their outputs as argoexec would: result, parameters, exit code.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';
import {
  detectIsolation,
  type IsolationMode,
  type IsolationPreference,
} from '../../../src/executor/host/isolation.js';
import { podFor, runPod, startHarness, taskResult, terminated, type Harness } from './harness.js';

/** Every way of isolating containers this machine supports; the same behaviour is expected of each. */
const scratch = mkdtempSync(path.join(tmpdir(), 'argo-modes-'));
const MODES: IsolationPreference[] = ['helper', 'unshare', 'helper-user', 'unshare-user'];
const available = new Map<IsolationPreference, IsolationMode>();
for (const m of MODES) available.set(m, await detectIsolation(scratch, m));
rmSync(scratch, { recursive: true, force: true });

const shell = (script: string, outputs?: Template['outputs']): Template => ({
  name: 't',
  container: { image: 'alpine:3.23', command: ['sh', '-c'], args: [script] },
  outputs,
});

describe.each(MODES)('host runtime outputs (isolation: %s)', (mode) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ isolation: mode });
  });
  afterAll(() => h?.close());

  it.skipIf(available.get(mode)!.kind === 'none')('runs with that isolation', () => {
    expect(h.runtime.isolation).toMatchObject({
      kind: mode.replace('-user', ''),
      user: mode.endsWith('-user'),
    });
  });

  it('captures stdout (not stderr) as the result, one trailing newline trimmed', async () => {
    const pod = await runPod(
      h,
      podFor('echo', shell('echo hello; echo noise >&2; echo world; echo'), { includeScriptOutput: true }),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect(pod.status?.podIP).toBe('127.0.0.1');
    expect(pod.spec.nodeName).toBe(hostname());
    expect(pod.status?.startTime).toMatch(/Z$/);
    expect(terminated(pod, 'main')).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const result = await taskResult(h, pod);
    expect(result?.metadata.labels).toEqual({
      'workflows.argoproj.io/workflow': 'wf',
      'workflows.argoproj.io/report-outputs-completed': 'true',
    });
    expect(result?.outputs).toEqual({ result: 'hello\nworld\n', exitCode: '0' });
  });

  it('leaves the result out unless the controller asks for it', async () => {
    const pod = await runPod(h, podFor('noresult', shell('echo hello')));
    expect((await taskResult(h, pod))?.outputs).toEqual({ exitCode: '0' });
  });

  it('keeps only the last 256 kB of a large result', async () => {
    const pod = await runPod(
      h,
      podFor('big', shell("head -c 300000 /dev/zero | tr '\\0' a; echo; printf END"), {
        includeScriptOutput: true,
      }),
    );
    const result = (await taskResult(h, pod))!.outputs!.result!;
    expect(result.length).toBe(256 * 1024);
    expect(result.endsWith('aaa\nEND')).toBe(true);
  });

  it('runs python and bash scripts from the script source', async () => {
    const py: Template = {
      name: 'py',
      script: {
        image: 'python:alpine3.23',
        command: ['python'],
        source: 'import sys\nprint(sum(range(5)))\nprint(sys.argv[0])\n',
      },
    };
    const bash: Template = {
      name: 'bash',
      script: {
        image: 'debian',
        command: ['bash'],
        source: 'set -euo pipefail\nwords=(a b c)\necho "${#words[@]} $0"\n',
      },
    };
    // `sh -c FILE` runs the file itself: it must be executable.
    const direct: Template = {
      name: 'direct',
      script: { image: 'alpine', command: ['sh', '-c'], source: 'echo direct' },
    };
    const [p, b, d] = await Promise.all([
      runPod(h, podFor('py', py, { includeScriptOutput: true })),
      runPod(h, podFor('bash', bash, { includeScriptOutput: true })),
      runPod(h, podFor('direct', direct, { includeScriptOutput: true })),
    ]);
    expect((await taskResult(h, d))?.outputs?.result).toBe('direct');
    expect(p.status?.phase).toBe('Succeeded');
    // The source is where argoexec puts it, so scripts that look at their own path see the same.
    expect((await taskResult(h, p))?.outputs?.result).toBe('10\n/argo/staging/script');
    expect((await taskResult(h, b))?.outputs?.result).toBe('3 /argo/staging/script');
  });

  it('runs script pods side by side, sharing the mount point made for /argo/staging', async () => {
    const script = (i: number): Template => ({
      name: 's',
      script: { image: 'alpine', command: ['sh'], source: `sleep 0.0${i}; echo ${i}` },
    });
    const pods = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => runPod(h, podFor(`many-${i}`, script(i), { includeScriptOutput: true }))),
    );
    for (const [i, pod] of pods.entries())
      expect((await taskResult(h, pod))?.outputs?.result).toBe(String(i));
  });

  it('gives parallel pods their own /tmp: each reads back its own /tmp/x', async () => {
    const tmpl = (v: string) =>
      shell(`sleep 0.2; echo ${v} > /tmp/x; sleep 0.2; cat /tmp/x`, {
        parameters: [{ name: 'x', valueFrom: { path: '/tmp/x' } }],
      });
    const pods = await Promise.all(
      ['one', 'two', 'three'].map((v) =>
        runPod(h, podFor(`par-${v}`, tmpl(v), { includeScriptOutput: true })),
      ),
    );
    for (const [i, v] of ['one', 'two', 'three'].entries()) {
      const outputs = (await taskResult(h, pods[i]))!.outputs!;
      expect(outputs.parameters).toEqual([{ name: 'x', valueFrom: { path: '/tmp/x' }, value: v }]);
      expect(outputs.result).toBe(v);
    }
    expect(existsSync('/tmp/x')).toBe(false);
  });

  it('reads output paths outside /tmp through a private mount point it removes afterwards', async () => {
    const top = `/argo-ts-test-${process.pid}-${Date.now()}`;
    const file = `${top}/deep/result.txt`;
    const pod = await runPod(
      h,
      podFor(
        'outside',
        shell(`mkdir -p ${top}/deep && printf 'from outside' > ${file}`, {
          parameters: [{ name: 'r', valueFrom: { path: file } }],
        }),
      ),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect((await taskResult(h, pod))!.outputs!.parameters![0].value).toBe('from outside');
    expect(existsSync(top)).toBe(false);
  });

  it('uses valueFrom.default when the file is missing', async () => {
    const pod = await runPod(
      h,
      podFor(
        'dflt',
        shell('true', { parameters: [{ name: 'p', valueFrom: { path: '/tmp/none', default: 'fallback' } }] }),
      ),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect((await taskResult(h, pod))!.outputs!.parameters![0].value).toBe('fallback');
  });

  it('tells a file the container never wrote from one it emptied, for a path bound as a file', async () => {
    const dir = mkdtempSync(path.join('/var/tmp', 'argo-ts-'));
    try {
      const untouched = path.join(dir, 'untouched.txt');
      const emptied = path.join(dir, 'emptied.txt');
      const pod = await runPod(
        h,
        podFor(
          'files',
          shell(`: > ${emptied}`, {
            parameters: [
              { name: 'a', valueFrom: { path: untouched, default: 'default-a' } },
              { name: 'b', valueFrom: { path: emptied, default: 'default-b' } },
            ],
          }),
        ),
      );
      expect((await taskResult(h, pod))!.outputs!.parameters!.map((p) => p.value)).toEqual(['default-a', '']);
      // The mount points made on the host are gone again.
      expect(existsSync(untouched) || existsSync(emptied)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails the pod as argoexec does when a parameter file is missing and has no default', async () => {
    const pod = await runPod(
      h,
      podFor('nodflt', shell('echo hi', { parameters: [{ name: 'p', valueFrom: { path: '/tmp/nope' } }] })),
    );
    expect(pod.status?.phase).toBe('Failed');
    expect(terminated(pod, 'main')).toMatchObject({ exitCode: 0 });
    expect(terminated(pod, 'wait')).toMatchObject({
      exitCode: 64,
      reason: 'Error',
      message: 'open /var/run/argo/outputs/parameters/tmp/nope: no such file or directory',
    });
    expect((await taskResult(h, pod))?.outputs?.exitCode).toBe('0');
  });

  it('reports a failing exit code', async () => {
    const pod = await runPod(h, podFor('exit3', shell('echo bye; exit 3')));
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.message).toBeUndefined();
    expect(terminated(pod, 'main')).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(terminated(pod, 'wait')).toMatchObject({ exitCode: 0 });
    expect((await taskResult(h, pod))?.outputs?.exitCode).toBe('3');
  });

  it('reports a process killed by a signal as 128+N', async () => {
    const pod = await runPod(
      h,
      podFor('signaled', {
        name: 's',
        container: { image: 'argoproj/argosay:v1', command: ['bash', '-c'], args: ['kill $BASHPID'] },
      }),
    );
    expect(terminated(pod, 'main')).toMatchObject({ exitCode: 143, reason: 'Error' });
  });

  it('fails with the emissary message when the command is not found', async () => {
    const pod = await runPod(
      h,
      podFor('nocmd', { name: 'n', container: { image: 'alpine', command: ['no-such-command-xyz'] } }),
    );
    expect(terminated(pod, 'main')).toMatchObject({
      exitCode: 64,
      message: 'failed to find name in PATH: exec: "no-such-command-xyz": executable file not found in $PATH',
    });
  });
});

describe('host runtime without isolation', () => {
  let plain: Harness;
  beforeAll(async () => {
    plain = await startHarness({ isolation: 'none' });
  });
  afterAll(() => plain.close());

  it('maps paths 1:1 and points TMPDIR into the pod', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'argo-plain-'));
    try {
      const out = path.join(dir, 'out.txt');
      const pod = await runPod(
        plain,
        podFor(
          'plain',
          shell(`echo "$TMPDIR" > ${out}; pwd`, { parameters: [{ name: 'o', valueFrom: { path: out } }] }),
          { includeScriptOutput: true },
        ),
      );
      expect(plain.runtime.isolation).toEqual({ kind: 'none' });
      const outputs = (await taskResult(plain, pod))!.outputs!;
      expect(outputs.parameters![0].value).toBe(path.join(plain.home, 'pods', 'argo', 'plain', 'main.tmp'));
      expect(outputs.result).toBe(path.join(plain.home, 'pods', 'argo', 'plain', 'main.work'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
