// Entry point of the argo command. Commands are registered in ./program.ts.
export async function main(argv: string[]): Promise<void> {
  const { runProgram } = await import('./program.js');
  await runProgram(argv);
}
