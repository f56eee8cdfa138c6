// `argoexec emissary` and `argoexec kill` as real processes: exit codes, signals from outside and
// through the signal file, the files the wait container reads, and the containerSet and sidecar
// orderings that hang on other containers' exit codes. Each test has its own ARGOEXEC_ROOT.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';

const ARGO = path.resolve(import.meta.dirname, '../../../bin/argo.js');

let workDir: string;

beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'argoexec-emissary-'));
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

let dirs: string[] = [];
const running = new Set<ChildProcess>();
afterEach(() => {
  for (const child of running) killTree(child);
  running.clear();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/**
 * Ends a driver left running by a failed test, and the command it started: that runs in its own
 * process group, which the driver's death does not end.
 */
function killTree(child: ChildProcess): void {
  const pid = child.pid!;
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean);
    for (const k of kids) {
      try {
        process.kill(-Number(k), 'SIGKILL');
      } catch {
        // Not a group leader, or gone already.
      }
    }
  } catch {
    // The driver has exited already.
  }
  child.kill('SIGKILL');
}

/** A pod's worth of folders: the relocated /var/run/argo and a scratch folder for the command. */
function pod() {
  const dir = mkdtempSync(path.join(tmpdir(), 'argoexec-pod-'));
  dirs.push(dir);
  const root = path.join(dir, 'root');
  const work = path.join(dir, 'work');
  mkdirSync(root);
  mkdirSync(work);
  const run = path.join(root, 'var/run/argo');
  return {
    root,
    work,
    ctr: (name: string) => path.join(run, 'ctr', name),
    exitCode: (name: string) => readFileSync(path.join(run, 'ctr', name, 'exitcode'), 'utf8'),
    savedParameter: (src: string) => path.join(run, 'outputs/parameters', src),
    savedArtifact: (src: string) => path.join(run, 'outputs/artifacts', `${src}.tgz`),
  };
}
type Pod = ReturnType<typeof pod>;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

interface Started {
  pid: number;
  done: Promise<Exit>;
}

function emissary(
  p: Pod,
  container: string,
  tmpl: Template,
  argv: string[],
  env: Record<string, string> = {},
): Started {
  return runDriver(['emissary', ...argv], p.work, {
    ARGOEXEC_ROOT: p.root,
    ARGO_CONTAINER_NAME: container,
    ARGO_TEMPLATE: JSON.stringify(tmpl),
    ...env,
  });
}

function runDriver(args: string[], cwd: string, env: Record<string, string> = {}): Started {
  const started = Date.now();
  // The built CLI, as a pod runs it: `argo argoexec emissary -- CMD...` or `argo argoexec kill SIGNAL PID`.
  const [mode, ...rest] = args;
  const cli = mode === 'emissary' ? ['argoexec', mode, '--', ...rest] : ['argoexec', mode, ...rest];
  const child = spawn(process.execPath, [ARGO, ...cli], {
    cwd,
    env: { ...process.env, ARGO_INCLUDE_SCRIPT_OUTPUT: '', ...env },
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<Exit>((resolve, reject) => {
    const timer = setTimeout(() => {
      killTree(child);
      reject(new Error(`argoexec ${args.join(' ')} did not exit in time; stderr: ${stderr}`));
    }, 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      running.delete(child);
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
  return { pid: child.pid!, done };
}

async function until(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sh = (script: string) => ['sh', '-c', script];
const plain: Template = { name: 't', container: { image: 'alpine' } };

describe('argoexec emissary: exit codes', () => {
  it.each([
    ['exit 0', 0],
    ['exit 3', 3],
    // Ended by a signal: 128 + 9, as a shell and Kubernetes report it.
    ['kill -KILL $$', 137],
  ])('%s: the process and the exitcode file say %i', async (script, want) => {
    const p = pod();
    const r = await emissary(p, 'main', plain, sh(script)).done;
    expect(r.code).toBe(want);
    expect(p.exitCode('main')).toBe(String(want));
  });

  it('a command not on PATH never runs: 64 in both, and the reason on stderr and in the termination log', async () => {
    const p = pod();
    const r = await emissary(p, 'main', plain, ['no-such-command-here', 'x']).done;
    const reason =
      'failed to find name in PATH: exec: "no-such-command-here": executable file not found in $PATH';
    expect(r.code).toBe(64);
    expect(p.exitCode('main')).toBe('64');
    expect(r.stderr).toContain(reason);
    expect(readFileSync(path.join(p.root, 'dev/termination-log'), 'utf8')).toBe(reason);
  });

  it('a path that is not executable is refused the same way', async () => {
    const p = pod();
    const file = path.join(p.work, 'script.sh');
    writeFileSync(file, 'echo hi\n', { mode: 0o644 });
    const r = await emissary(p, 'main', plain, [file]).done;
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(`failed to find name in PATH: exec: "${file}": permission denied`);
  });

  it('a template it cannot read is an error before anything runs', async () => {
    const p = pod();
    const r = runDriver(['emissary', 'true'], p.work, {
      ARGOEXEC_ROOT: p.root,
      ARGO_CONTAINER_NAME: 'main',
      ARGO_TEMPLATE: '{not json',
    });
    const exit = await r.done;
    expect(exit.code).toBe(64);
    expect(exit.stderr).toContain('failed to unmarshal template');
    expect(p.exitCode('main')).toBe('64');
  });
});

describe('argoexec emissary: output capture', () => {
  const script = 'echo out1; echo err1 >&2; echo out2';

  it('with ARGO_INCLUDE_SCRIPT_OUTPUT=true, tees stdout and stdout+stderr into ctr/<name> and still passes both through', async () => {
    const p = pod();
    const r = await emissary(p, 'main', plain, sh(script), { ARGO_INCLUDE_SCRIPT_OUTPUT: 'true' }).done;
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(p.ctr('main'), 'stdout'), 'utf8')).toBe('out1\nout2\n');
    const combined = readFileSync(path.join(p.ctr('main'), 'combined'), 'utf8');
    expect(combined.split('\n').sort()).toEqual(['', 'err1', 'out1', 'out2']);
    expect(r.stdout).toBe('out1\nout2\n');
    expect(r.stderr).toContain('err1\n');
  });

  it('when the template archives logs, captures them too', async () => {
    const p = pod();
    const tmpl: Template = { ...plain, archiveLocation: { archiveLogs: true } };
    await emissary(p, 'main', tmpl, sh(script)).done;
    expect(readFileSync(path.join(p.ctr('main'), 'stdout'), 'utf8')).toBe('out1\nout2\n');
  });

  it('otherwise writes no output files, and the output still reaches its own stdout and stderr', async () => {
    const p = pod();
    const r = await emissary(p, 'main', plain, sh(script)).done;
    expect(existsSync(path.join(p.ctr('main'), 'stdout'))).toBe(false);
    expect(existsSync(path.join(p.ctr('main'), 'combined'))).toBe(false);
    expect(r.stdout).toBe('out1\nout2\n');
    expect(r.stderr).toContain('err1\n');
  });

  it('does not wait for a background process that keeps the output pipe open', async () => {
    const p = pod();
    const r = await emissary(p, 'main', plain, sh('(sleep 3; echo late) & printf hello'), {
      ARGO_INCLUDE_SCRIPT_OUTPUT: 'true',
    }).done;
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(2500);
    expect(readFileSync(path.join(p.ctr('main'), 'stdout'), 'utf8')).toBe('hello');
  });
});

describe('argoexec emissary: outputs of main', () => {
  function outputsTemplate(work: string): Template {
    return {
      name: 'outs',
      container: { image: 'alpine', volumeMounts: [{ name: 'v', mountPath: path.join(work, 'vol') }] },
      outputs: {
        parameters: [
          { name: 'p', valueFrom: { path: path.join(work, 'param.txt') } },
          { name: 'gone', valueFrom: { path: path.join(work, 'no-param.txt') } },
          { name: 'onvol', valueFrom: { path: path.join(work, 'vol/p.txt') } },
        ],
        artifacts: [
          { name: 'dir', path: `${path.join(work, 'art')}/` },
          { name: 'file', path: path.join(work, 'one.txt') },
          { name: 'missing', path: path.join(work, 'nothing'), optional: true },
          { name: 'onvol', path: path.join(work, 'vol/a.txt') },
        ],
      },
    };
  }
  const write =
    'echo -n v1 > param.txt; mkdir -p art/sub vol; echo a > art/a.txt; echo b > art/sub/b.txt; ' +
    'echo one > one.txt; echo x > vol/p.txt; echo y > vol/a.txt; exit 2';

  it('copies parameter files and tars artifacts onto the shared volume, skipping missing and volume paths', async () => {
    const p = pod();
    const tmpl = outputsTemplate(p.work);
    const r = await emissary(p, 'main', tmpl, sh(write)).done;
    // Saved even though the command failed: its outputs may explain why.
    expect(r.code).toBe(2);
    expect(p.exitCode('main')).toBe('2');

    expect(readFileSync(p.savedParameter(path.join(p.work, 'param.txt')), 'utf8')).toBe('v1');
    expect(existsSync(p.savedParameter(path.join(p.work, 'no-param.txt')))).toBe(false);
    expect(existsSync(p.savedParameter(path.join(p.work, 'vol/p.txt')))).toBe(false);

    const out = path.join(p.work, 'untar');
    mkdirSync(path.join(out, 'dir'), { recursive: true });
    mkdirSync(path.join(out, 'file'));
    await tar.x({ file: p.savedArtifact(path.join(p.work, 'art')), cwd: path.join(out, 'dir') });
    expect(readFileSync(path.join(out, 'dir/art/a.txt'), 'utf8')).toBe('a\n');
    expect(readFileSync(path.join(out, 'dir/art/sub/b.txt'), 'utf8')).toBe('b\n');
    await tar.x({ file: p.savedArtifact(path.join(p.work, 'one.txt')), cwd: path.join(out, 'file') });
    expect(readFileSync(path.join(out, 'file/one.txt'), 'utf8')).toBe('one\n');

    expect(existsSync(p.savedArtifact(path.join(p.work, 'nothing')))).toBe(false);
    expect(existsSync(p.savedArtifact(path.join(p.work, 'vol/a.txt')))).toBe(false);
  });

  it('saves nothing for a container other than main', async () => {
    const p = pod();
    const r = await emissary(p, 'other', outputsTemplate(p.work), sh(write)).done;
    expect(r.code).toBe(2);
    expect(p.exitCode('other')).toBe('2');
    expect(existsSync(path.join(p.root, 'var/run/argo/outputs'))).toBe(false);
  });
});

describe('argoexec emissary: signals', () => {
  it('delivers the number written to ctr/<name>/signal, and removes the file', async () => {
    const p = pod();
    const run = emissary(p, 'main', plain, ['sleep', '30']);
    await until('ctr/main', () => existsSync(p.ctr('main')));
    writeFileSync(path.join(p.ctr('main'), 'signal'), '15');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(p.exitCode('main')).toBe('143');
    expect(existsSync(path.join(p.ctr('main'), 'signal'))).toBe(false);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a command that ignores 15 is ended by the 9 that follows', async () => {
    const p = pod();
    const run = emissary(p, 'main', plain, sh('trap "" TERM; touch started; sleep 30'));
    await until('the command', () => existsSync(path.join(p.work, 'started')));
    writeFileSync(path.join(p.ctr('main'), 'signal'), '15');
    await until('the signal file to be taken', () => !existsSync(path.join(p.ctr('main'), 'signal')));
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(path.join(p.ctr('main'), 'signal'), '9');
    const r = await run.done;
    expect(r.code).toBe(137);
    expect(p.exitCode('main')).toBe('137');
  });

  it('passes SIGTERM sent to the emissary on to the command, and exits with its code', async () => {
    const p = pod();
    const script = 'trap "echo got-term; exit 7" TERM; touch started; while true; do sleep 0.1; done';
    const run = emissary(p, 'main', plain, sh(script));
    await until('the command', () => existsSync(path.join(p.work, 'started')));
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    expect(r.signal).toBeNull();
    expect(r.code).toBe(7);
    expect(r.stdout).toContain('got-term');
    expect(p.exitCode('main')).toBe('7');
  });

  it('a command that does not handle SIGTERM ends with 143', async () => {
    const p = pod();
    const run = emissary(p, 'main', plain, sh('touch started; sleep 30'));
    await until('the command', () => existsSync(path.join(p.work, 'started')));
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(p.exitCode('main')).toBe('143');
  });

  it('passes on other signals too, without ending itself', async () => {
    const p = pod();
    const script =
      'trap "echo got-hup" HUP; trap "echo got-int" INT; trap "exit 5" USR2; touch started; while true; do sleep 0.1; done';
    const run = emissary(p, 'main', plain, sh(script));
    await until('the command', () => existsSync(path.join(p.work, 'started')));
    process.kill(run.pid, 'SIGHUP');
    process.kill(run.pid, 'SIGINT');
    await new Promise((r) => setTimeout(r, 400));
    process.kill(run.pid, 'SIGUSR2');
    const r = await run.done;
    expect(r.code).toBe(5);
    expect(r.stdout).toContain('got-hup');
    expect(r.stdout).toContain('got-int');
  });
});

describe('argoexec emissary: containerSet', () => {
  const set: Template = {
    name: 'set',
    containerSet: {
      containers: [
        { name: 'a', image: 'alpine' },
        { name: 'b', image: 'alpine', dependencies: ['a'] },
      ],
    },
  };

  it('starts a container only once its dependency has exited 0', async () => {
    const p = pod();
    const run = emissary(p, 'b', set, sh('echo ran > b-ran'));
    await until('ctr/a to be made', () => existsSync(p.ctr('a')));
    await new Promise((r) => setTimeout(r, 300));
    expect(existsSync(path.join(p.work, 'b-ran'))).toBe(false);
    writeFileSync(path.join(p.ctr('a'), 'exitcode'), '0');
    const r = await run.done;
    expect(r.code).toBe(0);
    expect(existsSync(path.join(p.work, 'b-ran'))).toBe(true);
    expect(p.exitCode('b')).toBe('0');
  });

  it("does not run when a dependency failed, and reports the dependency's code", async () => {
    const p = pod();
    mkdirSync(p.ctr('a'), { recursive: true });
    writeFileSync(path.join(p.ctr('a'), 'exitcode'), '3');
    const r = await emissary(p, 'b', set, sh('echo ran > b-ran')).done;
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('dependency "a" exited with non-zero code: 3');
    expect(p.exitCode('b')).toBe('3');
    expect(existsSync(path.join(p.work, 'b-ran'))).toBe(false);
  });

  it('a SIGTERM while waiting for a dependency ends it with 143, the command never run', async () => {
    const p = pod();
    const run = emissary(p, 'b', set, sh('echo ran > b-ran'));
    await until('ctr/a to be made', () => existsSync(p.ctr('a')));
    process.kill(run.pid, 'SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(p.exitCode('b')).toBe('64');
    expect(existsSync(path.join(p.work, 'b-ran'))).toBe(false);
  });

  it('retryStrategy re-runs a failing command, `duration` apart, until it succeeds', async () => {
    const p = pod();
    const tmpl: Template = {
      name: 'retry',
      containerSet: {
        containers: [{ name: 'main', image: 'alpine' }],
        retryStrategy: { retries: '3', duration: '300ms' },
      },
    };
    const count = 'n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count;';
    const r = await emissary(p, 'main', tmpl, sh(`${count} echo attempt $n; [ $n -ge 2 ]`), {
      ARGO_INCLUDE_SCRIPT_OUTPUT: 'true',
    }).done;
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(p.work, 'count'), 'utf8').trim()).toBe('2');
    expect(r.ms).toBeGreaterThanOrEqual(300);
    // The retried output is appended, as the wait container reads one file per container.
    expect(readFileSync(path.join(p.ctr('main'), 'stdout'), 'utf8')).toBe('attempt 1\nattempt 2\n');
    expect(p.exitCode('main')).toBe('0');
  });

  it('`retries` counts all runs (upstream: retries 2 runs the command twice), and the last code is reported', async () => {
    const p = pod();
    const tmpl: Template = {
      name: 'retry',
      containerSet: { containers: [{ name: 'main', image: 'alpine' }], retryStrategy: { retries: 2 } },
    };
    const r = await emissary(
      p,
      'main',
      tmpl,
      sh('n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; exit $((n+4))'),
    ).done;
    expect(readFileSync(path.join(p.work, 'count'), 'utf8').trim()).toBe('2');
    expect(r.code).toBe(5);
    expect(p.exitCode('main')).toBe('5');
  });
});

describe('argoexec emissary: sidecars', () => {
  const withSidecar: Template = {
    name: 's',
    container: { image: 'alpine' },
    sidecars: [{ name: 'side', image: 'nginx' }],
  };

  it('ends a sidecar once the main container has written its exit code', async () => {
    const p = pod();
    const run = emissary(p, 'side', withSidecar, ['sleep', '30']);
    await until('ctr/main to be made', () => existsSync(p.ctr('main')));
    await new Promise((r) => setTimeout(r, 200));
    writeFileSync(path.join(p.ctr('main'), 'exitcode'), '0');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(p.exitCode('side')).toBe('143');
  });

  it('kills a sidecar that ignores SIGTERM after the termination grace period', async () => {
    const p = pod();
    const run = emissary(p, 'side', withSidecar, sh('trap "" TERM; touch started; sleep 30'), {
      ARGO_TERMINATION_GRACE_PERIOD_SECONDS: '1',
    });
    await until('the command', () => existsSync(path.join(p.work, 'started')));
    await until('ctr/main to be made', () => existsSync(p.ctr('main')));
    const t0 = Date.now();
    writeFileSync(path.join(p.ctr('main'), 'exitcode'), '1');
    const r = await run.done;
    expect(r.code).toBe(137);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('leaves a main container alone', async () => {
    const p = pod();
    mkdirSync(p.ctr('main'), { recursive: true });
    const r = await emissary(p, 'main', withSidecar, sh('sleep 0.5; exit 4')).done;
    expect(r.code).toBe(4);
  });
});

describe('argoexec kill', () => {
  function sleeper() {
    const s = spawn('sleep', ['30']);
    const ended = new Promise<NodeJS.Signals | null>((r) => s.on('exit', (_c, sig) => r(sig)));
    return { pid: s.pid!, ended };
  }

  it.each([
    ['15', 'terminated', 'SIGTERM'],
    ['TERM', 'terminated', 'SIGTERM'],
    ['SIGKILL', 'killed', 'SIGKILL'],
  ])('kill %s PID sends the signal', async (arg, text, sig) => {
    const s = sleeper();
    const r = await runDriver(['kill', arg, String(s.pid)], workDir).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`killing ${s.pid} with ${text}\n`);
    expect(await s.ended).toBe(sig);
  });

  it('refuses what is not a signal or a pid, and a process that is gone', async () => {
    const p = pod();
    const env = { ARGOEXEC_ROOT: p.root };
    const bad = await runDriver(['kill', 'NOPE', '1'], workDir, env).done;
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('strconv.Atoi: parsing "NOPE": invalid syntax');
    const badPid = await runDriver(['kill', '15', 'x1'], workDir, env).done;
    expect(badPid.code).toBe(64);
    expect(badPid.stderr).toContain('strconv.Atoi: parsing "x1": invalid syntax');

    const s = sleeper();
    process.kill(s.pid, 'SIGKILL');
    await s.ended;
    const gone = await runDriver(['kill', '15', String(s.pid)], workDir, env).done;
    expect(gone.code).toBe(64);
    expect(gone.stderr).toContain('os: process already finished');
  });
});
