// A container's stdin and terminal as Kubernetes gives them: `tty: true` puts the command on a
// terminal (stdin, stdout, stderr; its output with the carriage returns a terminal adds, in the
// log), `stdin: true` makes stdin a pipe that stays open; by default stdin is /dev/null. The same
// is expected under every isolation this machine has.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container } from '../../../src/model/meta.js';
import type { Template } from '../../../src/model/template.js';
import { containerStdio } from '../../../src/executor/host/container-stdio.js';
import type { IsolationPreference } from '../../../src/executor/host/isolation.js';
import { NS, podFor, runPod, startHarness, taskResult, terminated, type Harness } from './harness.js';

const MODES: IsolationPreference[] = ['none', 'helper', 'unshare', 'helper-user', 'unshare-user'];

const shell = (script: string, extra: Partial<Container> = {}): Template => ({
  name: 't',
  container: { image: 'alpine:3.23', command: ['sh', '-c'], args: [script], ...extra },
});

// `cat` on an input that never ends is still reading after a second (timeout's 124); on /dev/null
// it ends at once (0). Which one happens does not depend on how long anything takes.
const READS_STDIN = 'timeout 1 cat; echo "cat: $?"';

describe.each(MODES)('container stdin and terminal (isolation: %s)', (mode) => {
  let h: Harness;
  const told: string[] = [];
  beforeAll(async () => {
    h = await startHarness({
      isolation: mode,
      onError: (err, where) => told.push(`${where}: ${String(err)}`),
    });
  });
  afterAll(() => h?.close());

  function log(pod: string, container = 'main'): string[] {
    return readFileSync(`${h.home}/logs/${NS}/${pod}/${container}.log`, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(l.indexOf(' ') + 1));
  }

  it('tty: the command is on a terminal, its lines end as a terminal ends them', async () => {
    const script =
      'test -t 0 && test -t 1 && test -t 2 && echo on a terminal; tty; printf "a\\nb\\n"; echo to stderr >&2';
    const pod = await runPod(h, podFor('tty', shell(script, { tty: true }), { includeScriptOutput: true }));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    expect(log('tty')).toEqual([
      'on a terminal\r',
      expect.stringMatching(/^\/dev\/pts\/\d+\r$/),
      'a\r',
      'b\r',
      'to stderr\r',
    ]);
    // The result is what the terminal gave, stderr included, as with a terminal on Kubernetes.
    expect((await taskResult(h, pod))?.outputs?.result).toMatch(
      /^on a terminal\r\n\/dev\/pts\/\d+\r\na\r\nb\r\nto stderr\r$/,
    );
    expect(told).toEqual([]);
  });

  it("tty: the input never ends, and the exit code is the command's", async () => {
    const pod = await runPod(h, podFor('tty-exit', shell(`${READS_STDIN}; exit 3`, { tty: true })));
    expect(terminated(pod, 'main')?.exitCode).toBe(3);
    expect(log('tty-exit')).toEqual(['cat: 124\r']);
  });

  it('tty: the container ends with its command, whatever it left writing to the terminal', async () => {
    // The loop outlives the terminal's hangup (it ignores SIGHUP) and would write to it forever.
    const script = '(trap "" HUP; while true; do echo tick; sleep 0.05; done) & sleep 0.2; echo done';
    const pod = await runPod(h, podFor('tty-rest', shell(script, { tty: true })));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    expect(log('tty-rest')).toContain('done\r');
  });

  it('tty: a signal the runtime sends reaches the command', async () => {
    // The sidecar says it is ready through a shared volume; the runtime ends it (SIGTERM) once main is done.
    const tmpl: Template = {
      name: 'sig',
      volumes: [{ name: 'shared', emptyDir: {} }],
      container: {
        image: 'alpine',
        command: ['sh', '-c', 'while [ ! -e /shared/ready ]; do sleep 0.05; done'],
        volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
      },
      sidecars: [
        {
          name: 'term',
          image: 'alpine',
          tty: true,
          command: [
            'sh',
            '-c',
            'trap "echo got TERM; exit 7" TERM; touch /shared/ready; while true; do sleep 0.1; done',
          ],
          volumeMounts: [{ name: 'shared', mountPath: '/shared' }],
        },
      ],
    };
    const pod = await runPod(h, podFor('tty-signal', tmpl, { terminationGracePeriodSeconds: 30 }));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    expect(terminated(pod, 'term')?.exitCode).toBe(7);
    // The signal goes to the command's process group, as to a container's without a terminal
    // (the shell may also report its sleep as Terminated).
    expect(log('tty-signal', 'term')).toContain('got TERM\r');
  });

  it.each([
    ['stdin', { stdin: true }],
    ['stdinOnce', { stdin: true, stdinOnce: true }],
  ])('%s: stdin is a pipe that stays open, not a terminal', async (name, extra) => {
    const script = `test -p /dev/stdin && echo a pipe; test -t 0 || echo no terminal; ${READS_STDIN}`;
    const pod = await runPod(h, podFor(name.toLowerCase(), shell(script, extra)));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    expect(log(name.toLowerCase())).toEqual(['a pipe', 'no terminal', 'cat: 124']);
  });

  it('stdin: with no FIFO to be made, the command runs on /dev/null, and says so', async () => {
    const tmpl = shell(`echo started; ${READS_STDIN}`, {
      stdin: true,
      env: [{ name: 'TMPDIR', value: '/nonexistent' }],
    });
    const pod = await runPod(h, podFor('no-fifo', tmpl));
    expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
    // stderr (the two complaints) and stdout reach the log through pipes of their own, in either order.
    const [said, out] = partition(log('no-fifo'), (l) => /^(mkfifo|argo):/.test(l));
    expect(said).toEqual([
      expect.stringMatching(/^mkfifo: .*\/nonexistent\//),
      'argo: no open stdin for this container: running with /dev/null',
    ]);
    expect(out).toEqual(['started', 'cat: 0']);
  });

  it.each([
    ['no-stdin', {}],
    ['stdinonce-alone', { stdinOnce: true }],
  ])('%s: stdin is /dev/null, reading it ends at once', async (name, extra) => {
    const script = `test -c /dev/stdin && echo a device; ${READS_STDIN}`;
    const pod = await runPod(h, podFor(name, shell(script, extra)));
    expect(pod.status?.phase).toBe('Succeeded');
    expect(log(name)).toEqual(['a device', 'cat: 0']);
  });
});

describe('a machine that cannot give a terminal', () => {
  it('without python3: the container runs as it is, told in its log and to the runtime once', () => {
    const told: string[] = [];
    const host = { path: '/nonexistent', systemBin: '/nonexistent', tell: (m: string) => told.push(m) };
    const notice = 'argo: no terminal for this container (python3 is not on the PATH): running without one';
    expect(containerStdio({ tty: true }, ['sh', '-c', 'x'], host)).toEqual({
      argv: ['sh', '-c', 'x'],
      notice,
    });
    // stdin still gets its open pipe.
    const both = containerStdio({ tty: true, stdin: true }, ['sh', '-c', 'x'], host);
    expect(both.notice).toBe(notice);
    expect(both.argv.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    expect(both.argv.slice(-3)).toEqual(['sh', '-c', 'x']);
    expect(told).toEqual([
      'no terminal for this container (python3 is not on the PATH): running without one; tty: true needs python3',
    ]);
  });

  it('no pseudo-terminal to be had: the command runs without one, and says so', () => {
    const { argv } = containerStdio({ tty: true }, ['sh', '-c', 'test -t 1 || echo no terminal; exit 5'], {
      path: process.env.PATH ?? '',
      tell: () => undefined,
    });
    // With four descriptors at most, stdin, stdout and stderr leave none for a terminal's two ends.
    const r = spawnSync('/bin/sh', ['-c', 'ulimit -n 4 && exec "$@"', 'sh', ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(r.status).toBe(5);
    expect(r.stdout).toBe('no terminal\n');
    expect(r.stderr).toMatch(/^argo: no terminal for this container \(.+\): running without one\n$/);
  });
});

function partition<T>(xs: T[], pick: (x: T) => boolean): [T[], T[]] {
  return [xs.filter(pick), xs.filter((x) => !pick(x))];
}
