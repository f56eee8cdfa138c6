// Entry point of the argo command. Commands are registered in ./program.ts.
import { endQuietlyOnClosedPipe } from './closed-pipe.js';

export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const { runProgram } = await import('./program.js');
  await runProgram(argv);
}
