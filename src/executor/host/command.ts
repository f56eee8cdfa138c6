// Turning a container spec into the argv a container runtime would exec: command and args or the
// image's entrypoint and cmd, Kubernetes' $(VAR) expansion, the script file for script templates,
// built-in stand-ins for test images, and the PATH lookup that tells "not found" up front with
// the error argoexec's emissary gives.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Container } from '../../model/meta.js';
import { packageFile } from '../../package-files.js';
import { SCRIPT_SOURCE_PATH } from '../pod-contract.js';
import { findExecutable } from './executables.js';
import { imageDefaults } from './image-defaults.js';

/** Our stand-ins for programs of test images (argosay, cowsay), shipped in the package's images/bin. */
export const BUILTINS_DIR = packageFile('images/bin');
const BUILTINS = new Set(['argosay', 'cowsay']);

/** Where the stand-ins are copied when the package lives under the host's /tmp. */
export const SHARED_BUILTINS_DIR = '/argo/bin';

let visibleDir: string | undefined;

/**
 * The stand-ins' folder as containers see it. A container's /tmp is private, so a package
 * installed or cloned under /tmp would hide them; then they are copied once to /argo/bin (left in
 * place, like /argo/staging), falling back to the package folder when that cannot be written.
 */
export function builtinsDir(): string {
  if (visibleDir) return visibleDir;
  visibleDir = BUILTINS_DIR;
  const tmp = path.resolve(tmpdir());
  if (BUILTINS_DIR === tmp || BUILTINS_DIR.startsWith(`${tmp}${path.sep}`)) {
    try {
      mkdirSync(SHARED_BUILTINS_DIR, { recursive: true });
      for (const name of BUILTINS)
        copyFileSync(path.join(BUILTINS_DIR, name), path.join(SHARED_BUILTINS_DIR, name));
      visibleDir = SHARED_BUILTINS_DIR;
    } catch {
      // Not writable (not root): the stand-ins stay where they are and work without isolation.
    }
  }
  return visibleDir;
}

/** A container that cannot start; exit code 64 and the message are what argoexec reports. */
export class CommandError extends Error {
  readonly exitCode = 64;
}

export interface CommandInput {
  container: Container;
  /** The container's environment: $(VAR) references and the PATH lookup use it. */
  env: Record<string, string>;
  /**
   * For script templates: the path under which the container sees the source file. It replaces
   * the path upstream's controller appends, or is appended when the controller did not.
   */
  script?: { path: string; append: boolean };
  /** Programs the host lacks under a name images use, and what runs instead (python: python3). */
  aliases?: Record<string, string>;
}

export function resolveCommand(input: CommandInput): string[] {
  const { container, env } = input;
  let argv: string[];
  if (container.command?.length) {
    argv = [...container.command, ...(container.args ?? [])];
  } else {
    const defaults = imageDefaults(container.image);
    argv = [
      ...(defaults.entrypoint ?? []),
      ...(container.args?.length ? container.args : (defaults.cmd ?? [])),
    ];
    if (defaults.prependWhenOption && argv[0]?.startsWith('-')) argv.unshift(defaults.prependWhenOption);
  }
  argv = argv.map((a) => expandVars(a, env));
  if (input.script) {
    const { path: scriptPath, append } = input.script;
    if (argv.includes(SCRIPT_SOURCE_PATH))
      argv = argv.map((a) => (a === SCRIPT_SOURCE_PATH ? scriptPath : a));
    else if (append) argv.push(scriptPath);
  }
  if (argv.length === 0 || !argv[0]) throw new CommandError('failed to start command: no command specified');
  if ((argv[0] === 'sh' || argv[0] === '/bin/sh') && imageDefaults(container.image).ashShell) {
    const bash = findExecutable('bash', env.PATH ?? '');
    if (bash) argv[0] = bash;
  }
  argv[0] = input.aliases?.[argv[0]] ?? locateProgram(argv[0], env.PATH ?? '');
  return argv;
}

function locateProgram(name: string, pathList: string): string {
  if (name.includes('/')) {
    // Test images keep their programs at fixed paths (/argosay); on the host ours stand in for them.
    const base = path.basename(name);
    if (BUILTINS.has(base) && !existsSync(name)) return path.join(builtinsDir(), base);
    return name;
  }
  const found = findExecutable(name, pathList);
  if (!found)
    throw new CommandError(
      `failed to find name in PATH: exec: "${name}": executable file not found in $PATH`,
    );
  return found;
}

/**
 * The name of our stand-in for a test image's program at its fixed path (/argosay) when the host
 * has nothing there; undefined otherwise.
 */
export function standInName(file: string): string | undefined {
  if (!path.isAbsolute(file)) return undefined;
  const base = path.basename(file);
  return BUILTINS.has(base) && !existsSync(file) ? base : undefined;
}

/**
 * Kubernetes' expansion of `$(NAME)` in command, args and env values: a defined variable is
 * replaced, an undefined reference is kept as written, and `$$` is an escaped `$`.
 */
export function expandVars(text: string, vars: Record<string, string>): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch !== '$' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = text.indexOf(')', i + 2);
      if (close < 0) {
        // An unclosed reference is kept as written; scanning goes on after it.
        out += '$(';
        i++;
        continue;
      }
      const name = text.slice(i + 2, close);
      out += Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : text.slice(i, close + 1);
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}
