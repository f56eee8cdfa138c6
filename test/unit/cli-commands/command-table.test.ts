// A command line registers only the command it names (start-up pays for one command's flags, not
// thirty): the table of names that choice reads must say what each registrar really adds, and the
// first word must be found past the root's flags and their values.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { CobraCommand } from '../../../src/cli/cobra-command.js';
import { buildProgram, commandWordOf } from '../../../src/cli/program.js';

const topNames = (program: { commands: readonly { name(): string; aliases(): string[] }[] }) =>
  program.commands.flatMap((c) => [c.name(), ...c.aliases()]).sort();

describe('the command table', () => {
  it.each(COMMANDS.map((c) => [c.names[0], c] as const))(
    '%s: the names listed are the commands its registrar adds',
    (_name, entry) => {
      const program = new CobraCommand('argo');
      entry.register(program);
      expect(topNames(program)).toEqual([...entry.names].sort());
    },
  );

  it('names each command once', () => {
    const names = COMMANDS.flatMap((c) => c.names);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('buildProgram', () => {
  const all = topNames(buildProgram()).filter((n) => n !== 'help');

  it('registers only the command a command line names, by name or alias', () => {
    expect(topNames(buildProgram('list')).filter((n) => n !== 'help')).toEqual(['list']);
    expect(topNames(buildProgram('cwft')).filter((n) => n !== 'help')).toEqual([
      'cluster-template',
      'cwft',
      'cwftmpl',
    ]);
  });

  it.each([[undefined], ['lst'], ['help'], ['__complete'], ['completion']])(
    'registers every command for %s',
    (word) => {
      expect(topNames(buildProgram(word)).filter((n) => n !== 'help')).toEqual(all);
      expect(all.length).toBe(COMMANDS.flatMap((c) => c.names).length);
    },
  );
});

describe('commandWordOf', () => {
  it.each([
    [['list'], 'list'],
    [['list', '-n', 'x'], 'list'],
    [['-n', 'get', 'list'], 'list'],
    [['--namespace', 'get', 'list'], 'list'],
    [['--namespace=get', 'list'], 'list'],
    [['-nget', 'list'], 'list'],
    [['-kn', 'get', 'list'], 'list'],
    [['-k', '--verbose', 'version'], 'version'],
    [['--argo-server', 'h:1', '-s', 'h:2', 'get', 'x'], 'get'],
    [['--secure=false', 'list'], 'list'],
  ])('%j runs %s', (args, word) => {
    expect(commandWordOf(args)).toBe(word);
  });

  it.each([[[]], [['--help']], [['-h', 'list']], [['--unknown', 'list']], [['--', 'list']], [['-n']]])(
    '%j names no command it can be sure of',
    (args) => {
      expect(commandWordOf(args)).toBeUndefined();
    },
  );
});
