// Entry point of the argo command. Commands are registered in ./program.ts, which every command
// runs: imported statically, it comes with this module rather than one more round of loading.
import { silenceDependencyDeprecations } from './bundled-deprecations.js';
import { endQuietlyOnClosedPipes } from './closed-pipe.js';
import { runProgram } from './program.js';

export async function main(argv: string[]): Promise<void> {
  silenceDependencyDeprecations();
  endQuietlyOnClosedPipes();
  await runProgram(argv);
}
