// Running the CLI as a user would, with a deadline, and making sure nothing a run started outlives
// it: the CLI's process group, the pods the host runtime started (each in its own process group,
// recorded in a `pgids` file in the pod's folder), and any detached controller on that ARGO_HOME.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const KILL_GRACE_MS = 3000;

/** Process groups this runner started and has not seen end, so an interrupt can take them down. */
export const liveGroups = new Set();

/**
 * Runs `node <args>` in its own process group. On timeout the group gets SIGTERM, then SIGKILL
 * after a grace period. Never rejects.
 * @returns {Promise<{ code: number | null, signal: string | null, stdout: string, stderr: string, timedOut: boolean, ms: number }>}
 */
export function runNode(args, { env, cwd, timeoutMs }) {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      env,
      cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    if (pgid) liveGroups.add(pgid);
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    let killTimer;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup(pgid, 'SIGTERM');
      killTimer = setTimeout(() => signalGroup(pgid, 'SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    const finish = (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      // Whatever the CLI left in its group goes with it.
      signalGroup(pgid, 'SIGKILL');
      liveGroups.delete(pgid);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - started });
    };
    child.on('error', (err) => {
      stderr += String(err.message);
      finish(null, null);
    });
    child.on('close', finish);
  });
}

export function signalGroup(pgid, signal) {
  if (!pgid || pgid <= 1) return false;
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Kills what a run on `home` may have left: recorded pod process groups and processes whose ARGO_HOME is `home`. */
export function killLeftovers(home) {
  for (const pgid of recordedPodGroups(home)) signalGroup(pgid, 'SIGKILL');
  for (const pid of processesWithHome(home)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}

function recordedPodGroups(home) {
  const boot = readBootId();
  const groups = [];
  const visit = (dir, depth) => {
    if (depth > 6) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) visit(full, depth + 1);
      else if (e.name === 'pgids') {
        for (const line of safeRead(full).split('\n')) {
          const [b, pgid] = line.split(' ');
          if (pgid && (!boot || b === boot)) groups.push(Number(pgid));
        }
      }
    }
  };
  visit(home, 0);
  return groups.filter((g) => Number.isInteger(g) && g > 1);
}

function processesWithHome(home) {
  const wanted = `ARGO_HOME=${home}`;
  const pids = [];
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return pids;
  }
  for (const pid of entries) {
    if (Number(pid) === process.pid) continue;
    const env = safeRead(`/proc/${pid}/environ`);
    if (env && env.split('\0').includes(wanted)) pids.push(Number(pid));
  }
  return pids;
}

function readBootId() {
  return safeRead('/proc/sys/kernel/random/boot_id').trim();
}

function safeRead(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
