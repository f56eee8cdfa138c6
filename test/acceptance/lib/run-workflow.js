// One workflow of the suite, run as a user would: `argo submit FILE --wait -o name` on a fresh
// ARGO_HOME seeded with the suite's templates, then `argo get NAME -o json` for the final phase.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyStore, firstLine } from './seed.js';
import { killLeftovers, runNode } from './processes.js';

const GET_TIMEOUT_MS = 30_000;
const MESSAGE_LIMIT = 300;
const LOG_TAIL_LINES = 8;

/**
 * @typedef {object} RunContext
 * @property {string} repoRoot
 * @property {string} tmpRoot
 * @property {string} seedHome
 * @property {NodeJS.ProcessEnv} env
 * @property {boolean} keep
 * @property {boolean} showLogs  fetch the tail of `argo logs` for failures
 * @property {Set<string>} activeHomes
 */

/**
 * @returns {Promise<{ outcome: 'pass' | 'fail', phase: string, ms: number, reason: string, attempt: number, home?: string }>}
 */
export async function runWorkflow(doc, exp, ctx) {
  let last;
  for (let attempt = 1; attempt <= exp.attempts; attempt++) {
    last = { ...(await runOnce(doc, exp, ctx)), attempt };
    if (last.outcome === 'pass') break;
  }
  return last;
}

async function runOnce(doc, exp, ctx) {
  const dir = mkdtempSync(path.join(ctx.tmpRoot, 'wf-'));
  const home = path.join(dir, 'home');
  mkdirSync(home);
  copyStore(ctx.seedHome, home);
  ctx.activeHomes.add(home);
  const env = { ...ctx.env, ARGO_HOME: home };
  const bin = path.join(ctx.repoRoot, 'bin/argo.js');
  try {
    let file = doc.file;
    if (!doc.wholeFile) {
      file = path.join(dir, path.basename(doc.file).replace(/\.json$/i, '.yaml'));
      writeFileSync(file, doc.text);
    }
    const args = [bin, 'submit', file, '-o', 'name'];
    for (const [k, v] of Object.entries(exp.parameters)) args.push('-p', `${k}=${v}`);
    if (exp.entrypoint) args.push('--entrypoint', exp.entrypoint);
    const submit = exp.actions.length
      ? await submitAndAct(args, exp, { env, bin, cwd: path.dirname(doc.file), repoRoot: ctx.repoRoot })
      : await runNode([...args, '--wait'], {
          env,
          cwd: path.dirname(doc.file),
          timeoutMs: exp.timeoutSec * 1000,
        });
    const name = submittedName(submit.stdout);
    if (!name) {
      const why = submit.timedOut
        ? `timed out after ${exp.timeoutSec}s before printing a name`
        : firstLine(submit.stderr) || `exit code ${submit.code}`;
      return { outcome: 'fail', phase: 'submit error', ms: submit.ms, reason: clip(why) };
    }
    const got = await runNode([bin, 'get', name, '-o', 'json'], {
      env,
      cwd: ctx.repoRoot,
      timeoutMs: GET_TIMEOUT_MS,
    });
    let wf;
    try {
      wf = JSON.parse(got.stdout);
    } catch {
      const why = `argo get ${name} -o json failed: ${firstLine(got.stderr) || `exit code ${got.code}`}`;
      return { outcome: 'fail', phase: 'unknown', ms: submit.ms, reason: clip(why) };
    }
    const phase = wf?.status?.phase || 'Pending';
    const message = statusMessage(wf);
    if (submit.timedOut) {
      const logs = ctx.showLogs ? await logTail(bin, name, env, ctx.repoRoot) : undefined;
      const why = `timed out after ${exp.timeoutSec}s${message ? `; ${message}` : ''}`;
      return { outcome: 'fail', phase, ms: submit.ms, reason: clip(why), logs };
    }
    if (exp.phases.includes(phase)) return { outcome: 'pass', phase, ms: submit.ms, reason: '' };
    const exitNote = submitExitMismatch(phase, submit.code);
    const logs = ctx.showLogs ? await logTail(bin, name, env, ctx.repoRoot) : undefined;
    return {
      outcome: 'fail',
      phase,
      ms: submit.ms,
      reason: clip([message, exitNote].filter(Boolean).join('; ')),
      logs,
    };
  } finally {
    killLeftovers(home);
    ctx.activeHomes.delete(home);
    if (!ctx.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Submits without waiting, runs the expectation's actions on the running workflow as their
 * conditions come true (resume a suspend node, set its outputs, stop it), then waits for the end.
 * Returns what `submit --wait` would have: the name on stdout, and the wait's exit code.
 */
async function submitAndAct(args, exp, { env, bin, cwd, repoRoot }) {
  const started = Date.now();
  const deadline = started + exp.timeoutSec * 1000;
  const left = () => Math.max(deadline - Date.now(), 1);
  const submitted = await runNode(args, { env, cwd, timeoutMs: left() });
  const name = submittedName(submitted.stdout);
  if (!name) return submitted;
  const pending = [...exp.actions];
  while (pending.length && Date.now() < deadline) {
    const got = await runNode([bin, 'get', name, '-o', 'json'], { env, cwd: repoRoot, timeoutMs: left() });
    let wf;
    try {
      wf = JSON.parse(got.stdout);
    } catch {
      wf = undefined;
    }
    if (wf?.status?.finishedAt) break;
    const nodes = Object.values(wf?.status?.nodes ?? {});
    const holds = (when) =>
      when === 'suspended'
        ? nodes.some((n) => n.type === 'Suspend' && n.phase === 'Running')
        : nodes.some((n) => n.type === 'Pod' && n.phase === 'Running');
    if (holds(pending[0].when)) {
      const action = pending.shift();
      await runNode([bin, ...action.args, name], { env, cwd: repoRoot, timeoutMs: left() });
      continue;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const waited = await runNode([bin, 'wait', name], { env, cwd: repoRoot, timeoutMs: left() });
  return { ...waited, stdout: `${name}\n`, ms: Date.now() - started };
}

/** The last lines `argo logs NAME` prints, to show why a workflow failed. */
async function logTail(bin, name, env, cwd) {
  const r = await runNode([bin, 'logs', name], { env, cwd, timeoutMs: GET_TIMEOUT_MS });
  const lines = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
  return lines.slice(-LOG_TAIL_LINES);
}

/** `-o name` prints the workflow's name on a line of its own. */
function submittedName(stdout) {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(l));
}

/** The workflow's message, and the message of the first pod that failed (usually the cause). */
export function statusMessage(wf) {
  const status = wf?.status ?? {};
  const failed = Object.values(status.nodes ?? {})
    .filter((n) => (n.phase === 'Failed' || n.phase === 'Error') && n.message && !PASSED_ON.test(n.message))
    .sort((a, b) => rank(a) - rank(b) || String(a.startedAt ?? '').localeCompare(String(b.startedAt ?? '')));
  const cause = failed.length
    ? `${failed[0].displayName ?? failed[0].name}: ${oneLine(failed[0].message)}`
    : '';
  if (!status.message) return cause;
  return cause && !status.message.includes(failed[0].message)
    ? `${oneLine(status.message)}; ${cause}`
    : oneLine(status.message);
}

/** A parent's message that only points at a failed child: the child's says more. */
const PASSED_ON = /^child '[^']*' (failed|errored)/;

/** Pods first: theirs is the message that says what went wrong. */
function rank(node) {
  return node.type === 'Pod' ? 0 : 1;
}

/** `submit --wait` must exit 0 exactly when the workflow succeeded. */
function submitExitMismatch(phase, code) {
  const wantZero = phase === 'Succeeded';
  if (code === null) return 'submit was killed';
  return (code === 0) === wantZero ? '' : `submit --wait exited ${code} for a ${phase} workflow`;
}

function oneLine(text) {
  return String(text).replace(/\s+/g, ' ').trim();
}

function clip(text) {
  const t = oneLine(text);
  return t.length > MESSAGE_LIMIT ? `${t.slice(0, MESSAGE_LIMIT - 1)}…` : t;
}
