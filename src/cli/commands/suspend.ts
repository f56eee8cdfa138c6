import type { Command } from 'commander';

export function registerSuspend(program: Command): void {
  const cmd = program
    .command('suspend')
    .description('suspend zero or more workflows (opposite of resume)')
    .usage('WORKFLOW1 WORKFLOW2... [flags]')
    .argument('[workflows...]');
  cmd.action(async (names: string[], _o: unknown, self: Command) => {
    const { withClient, namespaceOf, out } = await import('../context.js');
    await withClient(
      self,
      async (client, g) => {
        const ns = namespaceOf(client, g);
        for (const name of names) {
          try {
            await client.suspendWorkflow(ns, name);
          } catch (err) {
            throw new Error(`failed to suspend ${name}: ${(err as Error).message}`);
          }
          await out(`workflow ${name} suspended\n`);
        }
      },
      { engine: 'detached' },
    );
  });
}
