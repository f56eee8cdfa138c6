import { Command } from 'commander';

export async function runProgram(argv: string[]): Promise<void> {
  const program = new Command('argo');
  await program.parseAsync(argv);
}
