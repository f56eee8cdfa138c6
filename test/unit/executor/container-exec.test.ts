import { describe, expect, it } from 'vitest';
import { execKill, killOfEntrypoint } from '../../../src/executor/host/container-exec.js';

describe("the host runtime's pods/exec: a signal to the container's entrypoint", () => {
  it("understands the controller's commands: a shell's kill of PID 1 and argoexec kill (by number or name)", () => {
    expect(killOfEntrypoint(['/bin/sh', '-c', 'kill -15 1'])).toBe(15);
    expect(killOfEntrypoint(['sh', '-c', 'kill -9 1'])).toBe(9);
    expect(killOfEntrypoint(['/var/run/argo/argoexec', 'kill', '15', '1'])).toBe(15);
    expect(killOfEntrypoint(['argoexec', 'kill', 'TERM', '1'])).toBe(15);
  });

  it('anything else is not a kill of PID 1', () => {
    expect(killOfEntrypoint(['/bin/sh', '-c', 'kill -15 2'])).toBeUndefined();
    expect(killOfEntrypoint(['/bin/sh', '-c', 'kill -15 1; rm -rf /'])).toBeUndefined();
    expect(killOfEntrypoint(['argoexec', 'kill', 'NOPE', '1'])).toBeUndefined();
    expect(killOfEntrypoint(['ls'])).toBeUndefined();
  });

  it("signals the container's processes; refuses other commands and containers that are not running, saying why", () => {
    const sent: string[] = [];
    const out = execKill(['argoexec', 'kill', '15', '1'], (sig) => (sent.push(sig), true), 'ns/p/wait');
    expect(sent).toEqual(['SIGTERM']);
    expect(out).toEqual({ exitCode: 0, stdout: 'killing 1 with terminated\n' });
    expect(execKill(['/bin/sh', '-c', 'kill -9 1'], () => true, 'ns/p/proxy')).toEqual({
      exitCode: 0,
      stdout: undefined,
    });
    expect(() => execKill(['/bin/sh', '-c', 'kill -15 1'], () => false, 'ns/p/proxy')).toThrow(
      'container not found or not running (ns/p/proxy)',
    );
    expect(() => execKill(['cat', '/etc/passwd'], () => true, 'ns/p/main')).toThrow(
      "the host runtime execs only a signal to the container's entrypoint (kill -SIGNAL 1), not: cat /etc/passwd",
    );
  });
});
