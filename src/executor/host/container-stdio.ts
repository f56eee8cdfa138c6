// A container's stdin and terminal as Kubernetes gives them. By default a host container reads
// /dev/null. `stdin: true` makes stdin a pipe that stays open (reads wait for input, never end),
// which the container's command gets through a FIFO it opens for reading and writing, so it holds
// the writing end itself; nothing attaches to a host container, so `stdinOnce` (closed after the
// first attach ends) is the same pipe, never closed. `tty: true` runs the command on a
// pseudo-terminal (stdin, stdout and stderr), through a small Python program (pty module) that
// relays its output (with the carriage returns a terminal adds) into the log, passes on the
// signals the runtime sends, and exits as the command did. Only a container that asks for them
// pays for these wrappers. Where no terminal can be had (no python3, no /dev/ptmx), the container
// runs without one and its log says so; the runtime says so once on stderr.
import type { Container } from '../../model/meta.js';
import { findExecutable } from './executables.js';

export interface ContainerStdio {
  /** The command to launch: `argv`, or a wrapper that runs it. */
  argv: string[];
  /** Why the terminal asked for could not be given, for the container's log. */
  notice?: string;
}

/**
 * Opens a FIFO in the container's TMPDIR as stdin (read-write: the command holds a writer, so
 * reads never see an end), removes its name, and runs the command ($@) in the shell's place. A
 * FIFO that cannot be made (TMPDIR unwritable) leaves stdin as it was, and the log says so.
 */
const OPEN_STDIN = [
  'if f=$(mktemp -u) && mkfifo -m 600 "$f"; then exec 0<>"$f"; rm -f "$f";',
  'else echo "argo: no open stdin for this container: running with /dev/null" >&2; fi; exec "$@"',
].join(' ');

/**
 * argv[1]: '1' when stdin is asked for too; the command follows. The command runs in a new
 * session on the terminal, dying with this program (PR_SET_PDEATHSIG) should it be killed.
 */
const PTY_RELAY = `
import errno, os, pty, select, signal, sys
keep_stdin, cmd = sys.argv[1] == '1', sys.argv[2:]

def run_command():
    # Python ignores these; an ignored signal would stay ignored in the command.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    os.execvp(cmd[0], cmd)

def without_terminal(why):
    os.write(2, ('argo: no terminal for this container (%s): running without one\\n' % why).encode())
    if keep_stdin:
        try:
            r, w = os.pipe()
            os.dup2(r, 0)
            os.set_inheritable(w, True)
        except OSError:
            pass
    run_command()

try:
    pid, master = pty.fork()
except OSError as e:
    without_terminal(e.strerror or str(e))
if pid == 0:
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except Exception:
        pass
    try:
        run_command()
    except OSError as e:
        os.write(2, ('%s: %s\\n' % (cmd[0], e.strerror)).encode())
        os._exit(127 if e.errno == errno.ENOENT else 126)

def forward(sig, _frame):
    try:
        os.killpg(pid, sig)
    except OSError:
        pass

for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
    signal.signal(sig, forward)

def relay(data):
    while data:
        try:
            data = data[os.write(1, data):]
        except OSError:
            return

def read_terminal(wait):
    # The terminal's next output; b'' once no process holds it or (after wait seconds) none came.
    if not select.select([master], [], [], wait)[0]:
        return None
    try:
        return os.read(master, 65536)
    except OSError:
        return b''

status = None
while status is None:
    data = read_terminal(1.0)
    if data == b'':
        break
    if data:
        relay(data)
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
if status is None:
    status = os.waitpid(pid, 0)[1]
# The command has ended: what it left running goes with it, as a container's does; then the
# output still in the terminal.
try:
    os.killpg(pid, signal.SIGKILL)
except OSError:
    pass
while True:
    data = read_terminal(0.2)
    if not data:
        break
    relay(data)
os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
`;

/**
 * Where the relay's python3 is looked for before the container's PATH: the system's starts in
 * tens of milliseconds, where a version manager's shim on the PATH (pyenv) takes half a second.
 * The relay needs nothing of the container's Python (-I -S: no user site, no environment).
 */
const SYSTEM_BIN = '/usr/bin:/bin';

let toldNoTerminal = false;

export interface StdioHost {
  /** The container's PATH, where python3 is looked for after `systemBin`. */
  path: string;
  /** Hears, once per process, that no terminal can be had. */
  tell: (message: string) => void;
  /** Default SYSTEM_BIN. */
  systemBin?: string;
}

/** The command that gives `argv` the stdin and terminal `spec` asks for. */
export function containerStdio(spec: Container, argv: string[], host: StdioHost): ContainerStdio {
  // stdinOnce only says when an open stdin closes: without stdin there is none (as on Kubernetes).
  const stdin = spec.stdin === true;
  if (spec.tty === true) {
    const python = findExecutable('python3', `${host.systemBin ?? SYSTEM_BIN}:${host.path}`);
    if (python) return { argv: [python, '-I', '-S', '-c', PTY_RELAY, stdin ? '1' : '0', ...argv] };
    const notice = 'argo: no terminal for this container (python3 is not on the PATH): running without one';
    if (!toldNoTerminal) host.tell(`${notice.replace(/^argo: /, '')}; tty: true needs python3`);
    toldNoTerminal = true;
    return { argv: stdin ? withOpenStdin(argv) : argv, notice };
  }
  return { argv: stdin ? withOpenStdin(argv) : argv };
}

function withOpenStdin(argv: string[]): string[] {
  return ['/bin/sh', '-c', OPEN_STDIN, 'argo-stdin', ...argv];
}
