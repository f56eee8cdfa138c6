// `argo auth token`: the Authorization value this CLI sends to an Argo Server: ARGO_TOKEN as given,
// else the bearer token of a server on this machine (made on first use, see server/token.ts).
import type { Command } from 'commander';

export function registerAuth(program: Command): void {
  const group = program.command('auth').description('manage authentication settings').usage('[flags]');
  group.action(() => group.outputHelp());
  group
    .command('token')
    .description('Print the auth token')
    .usage('[flags]')
    .addHelpText(
      'after',
      `
Examples:
# Print the auth token for the current Argo Server
  argo auth token

# Save the token to a variable and send a request directly to the Argo API
  TOKEN=$(argo auth token) && curl -H "Authorization: Bearer $TOKEN" https://<ARGO_SERVER>/api/v1/userinfo
`,
    )
    .action(async () => {
      const { authString } = await import('../../client/http/auth.js');
      const { out } = await import('../context.js');
      await out(`${authString(process.env)}\n`);
    });
}
