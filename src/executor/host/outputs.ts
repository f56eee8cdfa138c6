// Collecting a pod's outputs once its main container has exited, as argoexec's wait container
// does: output parameters read from the files they name, the result (stdout), the exit code.
// One collector per pod; it also says which paths the main container must keep private so they
// can be read back, which is where output artifacts will plug in.
import { readFileSync } from 'node:fs';
import type { Outputs, Parameter, Template } from '../../model/template.js';
import type { PrivatePath } from './container-fs.js';
import type { MainFiles } from './main-files.js';

/** Upstream keeps at most the last 256 kB of stdout as the result. */
const MAX_RESULT_BYTES = 256 * 1024;

export interface CollectedOutputs {
  outputs: Outputs;
  /** Why collection failed, worded as argoexec's error; the pod fails with it. */
  error?: string;
}

export interface MainContainerOutcome {
  /** The main container's view of the file system; absent when it never started. */
  fs?: MainFiles;
  exitCode?: number;
  stdout?: Buffer;
}

export class OutputCollector {
  constructor(
    private readonly tmpl: Template | undefined,
    private readonly includeScriptOutput: boolean,
  ) {}

  /** Whether the main container's stdout must be kept for `outputs.result`. */
  get capturesStdout(): boolean {
    const t = this.tmpl;
    const hasOutput =
      !!t && (!!t.container || !!t.script || !!t.containerSet?.containers.some((c) => c.name === 'main'));
    return this.includeScriptOutput && hasOutput;
  }

  /** Paths the main container writes that the runtime reads back after it exits. */
  privatePaths(): PrivatePath[] {
    return (this.tmpl?.outputs?.parameters ?? [])
      .map((p) => p.valueFrom?.path)
      .filter((p): p is string => !!p && p.startsWith('/'))
      .map((p) => ({ path: p, kind: 'file' as const, readOnlyAfter: true }));
  }

  collect(main: MainContainerOutcome): CollectedOutputs {
    const outputs: Outputs = {};
    let error: string | undefined;
    const declared = this.tmpl?.outputs?.parameters;
    if (declared?.length) {
      outputs.parameters = declared.map((p) => ({ ...p }));
      for (const param of outputs.parameters) {
        if (!param.valueFrom?.path) continue;
        error = readParameter(param, main.fs);
        // Like argoexec, stop at the first parameter that cannot be read.
        if (error) break;
      }
    }
    if (this.capturesStdout && main.stdout) outputs.result = resultOf(main.stdout);
    if (main.exitCode !== undefined) outputs.exitCode = String(main.exitCode);
    return { outputs, error };
  }
}

/** Sets param.value from its file; returns argoexec's error when it is missing and has no default. */
function readParameter(param: Parameter, fs: MainFiles | undefined): string | undefined {
  const file = param.valueFrom!.path!;
  let content: string | undefined;
  let failure: NodeJS.ErrnoException | undefined;
  if (fs && !fs.untouched(file)) {
    try {
      content = readFileSync(fs.hostPathOf(file), 'utf8');
    } catch (err) {
      failure = err as NodeJS.ErrnoException;
    }
  }
  if (content === undefined) {
    if (param.valueFrom!.default === undefined) return readError(file, fs, failure);
    content = param.valueFrom!.default;
  }
  // Trims one trailing newline, for the user's convenience (as upstream does).
  param.value = content.endsWith('\n') ? content.slice(0, -1) : content;
  return undefined;
}

/** The error text argoexec's wait container gives: it reads main's files from its own mounts. */
function readError(file: string, fs: MainFiles | undefined, err: NodeJS.ErrnoException | undefined): string {
  const seenAs = fs?.onVolume(file) ? `/mainctrfs${file}` : `/var/run/argo/outputs/parameters${file}`;
  if (err?.code === 'EISDIR') return `read ${seenAs}: is a directory`;
  if (err?.code === 'EACCES') return `open ${seenAs}: permission denied`;
  return `open ${seenAs}: no such file or directory`;
}

function resultOf(stdout: Buffer): string {
  let out = stdout;
  if (out.length > 0 && out[out.length - 1] === 0x0a) out = out.subarray(0, out.length - 1);
  if (out.length > MAX_RESULT_BYTES) out = out.subarray(out.length - MAX_RESULT_BYTES);
  return out.toString('utf8');
}
