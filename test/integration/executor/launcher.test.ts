// argo-launch, the helper that starts containers so the runtime never forks: output, exit
// codes, signals, start failures, process groups and shutdown, through the ProcessLauncher
// and through ContainerProcess (which the pods use), against the same commands spawned by Node.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerProcess, type ProcessExit } from '../../../src/executor/host/container-process.js';
import { LAUNCHER_SOURCE } from '../../../src/executor/host/launcher-source.js';
import { ProcessLauncher, type ProcessHandle } from '../../../src/executor/host/launcher.js';
import { compileHelper } from '../../../src/executor/host/native-helper.js';
import { LineLog } from '../../../src/executor/host/line-log.js';
import { processRunning } from '../../helpers/process-state.js';

const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

interface Outcome {
  pid?: number;
  out: string;
  err: string;
  code: number | null;
  signal: string | null;
  error?: NodeJS.ErrnoException;
  closed: boolean;
}

function outcome(p: ProcessHandle): Promise<Outcome> {
  const o: Outcome = { out: '', err: '', code: null, signal: null, closed: false };
  p.stdout!.on('data', (c: Buffer) => (o.out += c.toString()));
  p.stderr!.on('data', (c: Buffer) => (o.err += c.toString()));
  return new Promise((resolve) => {
    p.on('spawn', () => (o.pid = p.pid));
    p.on('exit', (code: number | null, signal: string | null) => {
      o.code = code;
      o.signal = signal;
    });
    p.on('close', () => {
      o.closed = true;
      resolve(o);
    });
    p.on('error', (e: NodeJS.ErrnoException) => {
      o.error = e;
      resolve(o);
    });
  });
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

describe.runIf(process.platform === 'linux')('argo-launch', () => {
  let dir: string;
  let launcher: ProcessLauncher;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'argo-launch-'));
    const started = await ProcessLauncher.start(path.join(dir, 'bin'));
    if (!started) throw new Error('argo-launch could not be built (is a C compiler installed?)');
    launcher = started;
  });

  afterAll(() => {
    launcher?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('relays stdout, stderr and the exit code, in the given folder and environment only', async () => {
    const o = await outcome(
      launcher.launch({
        file: '/bin/sh',
        args: ['-c', 'echo "out $PWD $ONLY ${HOME:-nohome}"; echo err >&2; exit 3'],
        env: { ...ENV, ONLY: 'this' },
        cwd: dir,
      }),
    );
    expect(o).toMatchObject({
      out: `out ${dir} this nohome\n`,
      err: 'err\n',
      code: 3,
      signal: null,
      closed: true,
    });
    expect(o.pid).toBeGreaterThan(0);
  });

  it('finds a bare command on the PATH it is given, and passes arguments through unchanged', async () => {
    const o = await outcome(launcher.launch({ file: 'printf', args: ['%s|', 'a b', '', 'ü'], env: ENV }));
    expect(o.out).toBe('a b||ü|');
    expect(o.code).toBe(0);
  });

  it('keeps large output whole and in order', async () => {
    const o = await outcome(launcher.launch({ file: '/bin/sh', args: ['-c', 'seq 1 200000'], env: ENV }));
    const lines = o.out.trimEnd().split('\n');
    expect(lines.length).toBe(200000);
    expect(lines[0]).toBe('1');
    expect(lines[199999]).toBe('200000');
  });

  it('reports a command that cannot start as Node does: ENOENT and EACCES', async () => {
    const missing = await outcome(launcher.launch({ file: 'no-such-command-here', args: [], env: ENV }));
    expect(missing.error?.code).toBe('ENOENT');
    expect(missing.error?.message).toBe('spawn no-such-command-here ENOENT');
    const notExecutable = await outcome(launcher.launch({ file: dir, args: [], env: ENV }));
    expect(notExecutable.error?.code).toBe('EACCES');
  });

  it('refuses a NUL byte in an argument or variable, which would end it early', async () => {
    const arg = await outcome(launcher.launch({ file: 'echo', args: ['a\0b'], env: ENV }));
    expect(arg.error?.code).toBe('ERR_INVALID_ARG_VALUE');
    const env = await outcome(launcher.launch({ file: 'echo', args: [], env: { ...ENV, X: 'a\0b' } }));
    expect(env.error?.code).toBe('ERR_INVALID_ARG_VALUE');
    // The launcher still works afterwards.
    expect((await outcome(launcher.launch({ file: 'echo', args: ['ok'], env: ENV }))).out).toBe('ok\n');
  });

  it('answers a malformed request with EINVAL instead of leaving it unanswered', async () => {
    const file = await compileHelper(path.join(dir, 'bin'), 'argo-launch', LAUNCHER_SOURCE);
    const helper = spawn(file!, [], { stdio: ['pipe', 'pipe', 'inherit'] });
    const reply = new Promise<Buffer>((resolve) => helper.stdout.once('data', resolve));
    // Request 7 says it has 2 arguments and no environment but carries a single string.
    const body = Buffer.from('\0/bin/true\0');
    const head = Buffer.alloc(17);
    head.writeUInt32LE(13 + body.length, 0);
    head.write('L', 4, 'latin1');
    head.writeUInt32LE(7, 5);
    head.writeUInt32LE(2, 9);
    head.writeUInt32LE(0, 13);
    helper.stdin.write(Buffer.concat([head, body]));
    const frame = await reply;
    helper.stdin.end();
    expect(String.fromCharCode(frame[0])).toBe('F');
    expect(frame.readUInt32LE(1)).toBe(7);
    expect(frame.readUInt32LE(9)).toBe(constants.errno.EINVAL);
  });

  it('reports a death by signal, and kills what the command left in its group when it exits', async () => {
    const killed = launcher.launch({ file: '/bin/sh', args: ['-c', 'echo ready; sleep 30'], env: ENV });
    const k = outcome(killed);
    await until(() => killed.pid !== undefined, 2000);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(-killed.pid!, 'SIGTERM');
    expect(await k).toMatchObject({ code: null, signal: 'SIGTERM' });

    // The background sleep keeps the pipes open; the group kill at exit closes them.
    const o = await outcome(
      launcher.launch({ file: '/bin/sh', args: ['-c', 'sleep 30 & echo $!'], env: ENV }),
    );
    expect(o.code).toBe(0);
    const orphan = Number(o.out.trim());
    expect(await until(() => !processRunning(orphan), 2000)).toBe(true);
  });

  it('gives up on pipes held by a daemon that left the group, a short while after the exit', async () => {
    const started = Date.now();
    const o = await outcome(
      launcher.launch({
        file: '/bin/sh',
        // The pause lets the daemon leave the group before the exit's group kill.
        args: ['-c', 'setsid sleep 5 & sleep 0.3; echo bye'],
        env: ENV,
      }),
    );
    expect(o).toMatchObject({ out: 'bye\n', code: 0, closed: true });
    // Held open (the daemon kept them), then given up on well before the daemon ends.
    expect(Date.now() - started).toBeGreaterThan(1500);
    expect(Date.now() - started).toBeLessThan(4500);
  });

  it('starts many processes at once, each with its own output', async () => {
    const all = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        outcome(launcher.launch({ file: '/bin/sh', args: ['-c', `echo ${i}; exit ${i % 7}`], env: ENV })),
      ),
    );
    all.forEach((o, i) => expect(o).toMatchObject({ out: `${i}\n`, code: i % 7 }));
  });

  it("stays out of the caller's process group, so a terminal's Ctrl+C reaches only the CLI", () => {
    const group = (pid: number) => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    };
    expect(launcher.pid).toBeGreaterThan(0);
    expect(group(launcher.pid!)).not.toBe(group(process.pid));
  });

  it('kills the process groups a helper that was itself killed leaves behind', async () => {
    const own = await ProcessLauncher.start(path.join(dir, 'bin'));
    const p = own!.launch({ file: '/bin/sh', args: ['-c', 'sleep 30'], env: ENV });
    const o = outcome(p);
    await until(() => p.pid !== undefined, 2000);
    process.kill(own!.pid!, 'SIGKILL');
    expect((await o).signal).toBe('SIGKILL');
    expect(await until(() => !processRunning(p.pid!), 2000)).toBe(true);
  });

  it('kills the process groups it still runs when the runtime stops it', async () => {
    const own = await ProcessLauncher.start(path.join(dir, 'bin'));
    const p = own!.launch({ file: '/bin/sh', args: ['-c', 'sleep 30 & sleep 30'], env: ENV });
    const o = outcome(p);
    await until(() => p.pid !== undefined, 2000);
    own!.stop();
    expect((await o).signal).toBe('SIGKILL');
    expect(await until(() => !processRunning(p.pid!), 2000)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('ContainerProcess with and without the launcher', () => {
  let dir: string;
  let launcher: ProcessLauncher;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'argo-launch-cp-'));
    launcher = (await ProcessLauncher.start(path.join(dir, 'bin')))!;
  });

  afterAll(() => {
    launcher?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(
    via: 'launcher' | 'node',
    file: string,
    args: string[],
    stop?: (p: ContainerProcess) => void,
  ): Promise<ProcessExit & { log: string }> {
    const logFile = path.join(dir, `${via}-${Math.random()}.log`);
    const log = LineLog.open(logFile);
    const proc = new ContainerProcess({
      file,
      args,
      env: ENV,
      log,
      captureStdout: 1024,
      launcher: via === 'launcher' ? launcher : undefined,
    });
    stop?.(proc);
    const exit = await proc.exited;
    log.close();
    const text = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.replace(/^\S+ /, ''))
      .join('\n');
    return { ...exit, log: text };
  }

  for (const via of ['launcher', 'node'] as const) {
    it(`${via}: exit codes, the result, signals and start failures come out the same`, async () => {
      const ok = await run(via, '/bin/sh', ['-c', 'echo result; echo oops >&2; exit 4']);
      expect(ok.exitCode).toBe(4);
      expect(ok.stdout?.toString()).toBe('result\n');
      expect(ok.log.split('\n').sort()).toEqual(['oops', 'result']);

      // Terminated before the launcher has even reported the start: the signal is not lost.
      const term = await run(via, '/bin/sh', ['-c', 'sleep 30'], (p) => void p.terminate(5000));
      expect(term.exitCode).toBe(143);

      const missing = await run(via, 'no-such-command-here', []);
      expect(missing.exitCode).toBe(127);
      expect(missing.message).toBe('failed to start command: spawn no-such-command-here ENOENT');
    });
  }
});
