// A workflow's steps get the stdin and terminal their containers ask for, through the CLI and the
// embedded engine: `tty: true` runs the step on a terminal, `stdin: true` keeps its stdin open.
import { describe, expect, it } from 'vitest';
import { fixture, useCli } from './cli.js';

const cli = useCli();

interface Node {
  displayName: string;
  type: string;
  phase: string;
  outputs?: { result?: string };
}

describe('tty and stdin in a workflow', () => {
  it('runs each step with the stdin and terminal it asks for', async () => {
    const submitted = await cli.run(['submit', fixture('terminal.yaml'), '--wait', '-o', 'name']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const got = await cli.run(['get', 'e2e-terminal', '-o', 'json']);
    const nodes = Object.values(
      (JSON.parse(got.stdout) as { status: { nodes: Record<string, Node> } }).status.nodes,
    );
    const step = (name: string) => nodes.find((n) => n.displayName === name);
    expect(step('on-a-terminal')?.phase).toBe('Succeeded');
    expect(step('reads-stdin')?.outputs?.result).toBe('stdin still open');
    expect(step('no-stdin')?.outputs?.result).toBe('stdin ended');

    const logs = await cli.run(['logs', 'e2e-terminal']);
    expect(logs.code).toBe(0);
    const terminal = logs.stdout.split('\n').filter((l) => l.includes('on-a-terminal'));
    // A terminal ends its lines with a carriage return, which the log keeps.
    expect(terminal.map((l) => l.replace(/^\S+: /, ''))).toEqual([
      'on a terminal\r',
      expect.stringMatching(/^\/dev\/pts\/\d+\r$/),
    ]);
  }, 120_000);
});
