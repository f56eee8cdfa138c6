// Completion candidates for a partial command line: subcommands, flags, and the names of
// workflows and templates the current backend knows (for the commands that take them).
import type { Command, Option } from 'commander';
import { flagSpecOf } from '../flags.js';

export type NameKind = 'workflow' | 'workflowtemplate' | 'clusterworkflowtemplate' | 'cronworkflow';

/** Which commands take which kind of name as their positional arguments. */
const NAME_ARGS: Record<string, NameKind> = {
  'argo get': 'workflow',
  'argo logs': 'workflow',
  'argo watch': 'workflow',
  'argo wait': 'workflow',
  'argo delete': 'workflow',
  'argo retry': 'workflow',
  'argo resubmit': 'workflow',
  'argo stop': 'workflow',
  'argo terminate': 'workflow',
  'argo suspend': 'workflow',
  'argo resume': 'workflow',
  'argo cp': 'workflow',
  'argo template get': 'workflowtemplate',
  'argo template delete': 'workflowtemplate',
  'argo cluster-template get': 'clusterworkflowtemplate',
  'argo cluster-template delete': 'clusterworkflowtemplate',
  'argo cron get': 'cronworkflow',
  'argo cron delete': 'cronworkflow',
  'argo cron suspend': 'cronworkflow',
  'argo cron resume': 'cronworkflow',
  'argo cron backfill': 'cronworkflow',
};

export interface Completion {
  candidates: string[];
  /** Complete file names instead (a FILE argument). */
  files: boolean;
  /** Names to look up from the backend. */
  names?: NameKind;
}

function visible(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function flagsOf(cmd: Command): string[] {
  const out: string[] = ['--help', '-h'];
  for (let c: Command | null = cmd; c; c = c.parent) {
    for (const o of c.options) {
      if (o.hidden || o.negate) continue;
      if (o.long) out.push(o.long);
      if (o.short) out.push(o.short);
    }
  }
  return out;
}

/** `words` are the arguments after `argo`; the last one is the word being completed (may be ''). */
export function complete(program: Command, words: string[]): Completion {
  let cmd = program;
  const path = ['argo'];
  const args = words.slice(0, -1);
  const current = words[words.length - 1] ?? '';
  let expectValue: Option | undefined;
  let positional = 0;
  for (const w of args) {
    if (expectValue) {
      expectValue = undefined;
      continue;
    }
    if (w.startsWith('-')) {
      const name = w.split('=')[0];
      const opt = [cmd, ...ancestors(cmd)]
        .flatMap((c) => c.options)
        .find((o) => o.long === name || o.short === name);
      if (opt && (opt.required || opt.optional) && !w.includes('=')) expectValue = opt;
      continue;
    }
    const sub = visible(cmd).find((c) => c.name() === w || c.aliases().includes(w));
    if (sub && positional === 0) {
      cmd = sub;
      path.push(sub.name());
    } else {
      positional++;
    }
  }
  if (expectValue) {
    // A flag with a fixed set of values (-o) completes to them; any other value may be a file.
    const allowed = flagSpecOf(expectValue)?.enum;
    if (allowed) return { candidates: allowed.filter((v) => v.startsWith(current)), files: false };
    return { candidates: [], files: true };
  }
  if (current.startsWith('-')) {
    return {
      candidates: flagsOf(cmd)
        .filter((f) => f.startsWith(current))
        .sort(),
      files: false,
    };
  }
  const subs = visible(cmd).map((c) => c.name());
  if (subs.length > 0 && positional === 0) {
    return { candidates: subs.filter((s) => s.startsWith(current)).sort(), files: false };
  }
  const key = path.join(' ');
  if (NAME_ARGS[key]) return { candidates: [], files: false, names: NAME_ARGS[key] };
  return { candidates: [], files: true };
}

function ancestors(cmd: Command): Command[] {
  const out: Command[] = [];
  for (let c = cmd.parent; c; c = c.parent) out.push(c);
  return out;
}
