// Entry point of the argo command. Commands are registered in ./program.ts.
import { silenceDependencyDeprecations } from './bundled-deprecations.js';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';

export async function main(argv: string[]): Promise<void> {
  silenceDependencyDeprecations();
  endQuietlyOnClosedPipe(process.stdout);
  endQuietlyOnClosedPipe(process.stderr);
  const { runProgram } = await import('./program.js');
  await runProgram(argv);
}
