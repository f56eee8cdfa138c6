// A container whose log cannot be written (a full disk) is stopped and fails with the path and the
// cause, whoever writes its log: the runtime itself (with or without the launcher) or its shim.
// /dev/full answers every write with ENOSPC, a real full disk without mounting one.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContainerProcess } from '../../../src/executor/host/container-process.js';
import { ProcessLauncher } from '../../../src/executor/host/launcher.js';
import { LineLog } from '../../../src/executor/host/line-log.js';
import { compileShim } from '../../../src/executor/host/shim.js';

const FULL = '/dev/full';
const ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
// Writes a line, then would run for a minute: only the failed log write can end it early.
const CHATTY = ['-c', 'echo first line; sleep 60'];
const MESSAGE = `writing ${FULL}: no space left on device`;

describe.runIf(process.platform === 'linux' && existsSync(FULL))('a log write that fails', () => {
  let dir: string;
  let launcher: ProcessLauncher | undefined;
  let shim: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'argo-write-failure-'));
    launcher = await ProcessLauncher.start(path.join(dir, 'bin'));
    shim = await compileShim(path.join(dir, 'bin'));
  });

  afterAll(() => {
    launcher?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not thrown at the writer: the log says why it stopped', async () => {
    const log = LineLog.open(FULL);
    const told: string[] = [];
    log.onFailure = (m) => told.push(m);
    const sink = log.stream();
    expect(() => sink.write(Buffer.from('a line\n'))).not.toThrow();
    expect(() => sink.write(Buffer.from('another\n'))).not.toThrow();
    expect(log.failure).toBe(MESSAGE);
    expect(told).toEqual([MESSAGE]);
  });

  for (const via of ['node', 'launcher', 'shim'] as const) {
    it(`${via}: stops the container, which fails naming the log and the cause`, async (ctx) => {
      if (via === 'launcher' && !launcher?.usable) ctx.skip();
      if (via === 'shim' && !shim) ctx.skip();
      const stateDir = path.join(dir, `${via}-state`);
      mkdirSync(stateDir);
      const log = LineLog.open(FULL);
      const started = Date.now();
      const proc = new ContainerProcess({
        file: '/bin/sh',
        args: CHATTY,
        env: ENV,
        log,
        captureStdout: 0,
        launcher: via === 'launcher' ? launcher : undefined,
        shim: via === 'shim' ? { file: shim!, dir: stateDir, logFile: FULL } : undefined,
      });
      const exit = await proc.exited;
      log.close();
      expect(exit).toMatchObject({ exitCode: 137, reason: 'Error', message: MESSAGE });
      // Killed, not waited for: far sooner than the command's minute.
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  }
});
