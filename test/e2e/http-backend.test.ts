// One suite, two backends: the same CLI scenarios on the embedded engine (local) and through
// `argo server` (http, with its defaults: TLS with a self-signed certificate and client auth, the
// token found the way `argo auth token` finds it). The outputs must not tell the backends apart.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../src/model/workflow.js';
import { checkArchiveFormatsAndSelectors, checkArchiveRetryAndResubmit } from './archive-rerun.js';
import { cliWithHome, fixture, lines, type Cli, type CliResult } from './cli.js';
import { startServer, stop } from './server.js';

interface Backend {
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  dispose(): Promise<void>;
}

const idle = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2' };

async function localBackend(): Promise<Backend> {
  const cli = cliWithHome();
  return {
    run: (args, env = {}) => cli.run(args, { env: { ...idle, ...env }, timeoutMs: 40_000 }),
    dispose: () => cli.dispose(),
  };
}

async function httpBackend(): Promise<Backend & { port: number }> {
  const cli = cliWithHome();
  const server = await startServer(cli.home);
  const env = { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_INSECURE_SKIP_VERIFY: 'true' };
  return {
    port: server.port,
    run: (args, extra = {}) => cli.run(args, { env: { ...env, ...extra }, timeoutMs: 40_000 }),
    dispose: async () => {
      await stop(server.child);
      await cli.dispose();
    },
  };
}

describe.each([
  ['local', localBackend],
  ['http', httpBackend],
] as const)('the CLI on the %s backend', (_backendName, make) => {
  let b: Backend;
  let name: string;
  beforeAll(async () => {
    b = await make();
  }, 40_000);
  afterAll(() => b?.dispose());

  it('submit --wait -o name prints the name and exits 0', async () => {
    const r = await b.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
    expect(r.code, r.stderr).toBe(0);
    name = r.stdout.trim();
    expect(name).toMatch(/^e2e-succeed-[a-z0-9]{5}$/);
  });

  it('list and get show the finished workflow', async () => {
    expect(lines((await b.run(['list', '-o', 'name'])).stdout)).toEqual([name]);
    const list = await b.run(['list']);
    expect(lines(list.stdout)[1]).toMatch(new RegExp(`^${name}\\s+Succeeded\\s`));
    const get = await b.run(['get', name]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^Status:\s+Succeeded$/m);
    expect(get.stdout).toMatch(/^Parameters:\s*$\n^\s+word:\s+default-word$/m);
    const json = JSON.parse((await b.run(['get', name, '-o', 'json'])).stdout);
    expect(json.metadata.name).toBe(name);
    expect(json.status.phase).toBe('Succeeded');
  });

  it('the finished workflow is archived: archive list and get show it', async () => {
    // Archiving follows completion; poll the live workflow's label, with a deadline.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const live = JSON.parse((await b.run(['get', name, '-o', 'json'])).stdout);
      if (live.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status'] === 'Archived') break;
      if (Date.now() > deadline)
        throw new Error(`${name} was not archived: ${JSON.stringify(live.metadata.labels)}`);
    }
    const list = await b.run(['archive', 'list', '-o', 'name']);
    expect(list.code, list.stderr).toBe(0);
    expect(lines(list.stdout)).toEqual([name]);
    const get = await b.run(['archive', 'get', name, '-o', 'json']);
    expect(get.code, get.stderr).toBe(0);
    expect(JSON.parse(get.stdout).status.phase).toBe('Succeeded');
  });

  it('archive retry and resubmit go through the server', async () => {
    await checkArchiveRetryAndResubmit((args) => b.run(args));
  }, 60_000);

  it('prints every archive output format and chooses by label and field selector', async () => {
    await checkArchiveFormatsAndSelectors((args) => b.run(args));
  }, 90_000);

  it('logs prints "pod: line"', async () => {
    const r = await b.run(['logs', name]);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual([`${name}: said default-word`]);
  });

  it('a failing workflow makes submit --wait exit 1', async () => {
    const r = await b.run(['submit', fixture('fail.yaml'), '--wait', '-o', 'name']);
    expect(r.code).toBe(1);
    const logs = await b.run(['logs', r.stdout.trim()]);
    expect(lines(logs.stdout).map((l) => l.split(': ')[1])).toEqual(['about to fail']);
  });

  it('retry runs a failed workflow again; resubmit makes a new one; logs --follow streams to the end', async () => {
    const failed = (
      await b.run(['submit', fixture('lifecycle-flaky.yaml'), '--wait', '-o', 'name'])
    ).stdout.trim();
    const retry = await b.run(['retry', failed, '-p', 'code=0', '--wait', '-o', 'name']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout.trim()).toBe(failed);
    const resubmit = await b.run(['resubmit', failed, '-o', 'name']);
    expect(resubmit.code, resubmit.stderr).toBe(0);
    const fresh = resubmit.stdout.trim();
    expect(fresh).not.toBe(failed);
    const follow = await b.run(['logs', fresh, '--follow']);
    expect(follow.code, follow.stderr).toBe(0);
    expect(lines(follow.stdout).length).toBeGreaterThan(0);
    expect((await b.run(['wait', fresh])).code).toBe(0);
  });

  it('get of an unknown workflow exits 1 with one "not found" line', async () => {
    const r = await b.run(['get', 'no-such-workflow']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('workflows.argoproj.io "no-such-workflow" not found');
  });

  it('submitting an invalid workflow fails with the validation message', async () => {
    const r = await b.run(['submit', fixture('invalid.yaml')]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
  });

  it('templates: create, list, submit --from, delete', async () => {
    const created = await b.run(['template', 'create', fixture('template.yaml'), '-o', 'name']);
    expect(created.code, created.stderr).toBe(0);
    expect(lines((await b.run(['template', 'list', '-o', 'name'])).stdout)).toEqual(['e2e-greeter']);
    const sub = await b.run([
      'submit',
      '--from',
      'workflowtemplate/e2e-greeter',
      '-p',
      'who=backend',
      '--wait',
      '-o',
      'name',
    ]);
    expect(sub.code, sub.stderr).toBe(0);
    const logs = await b.run(['logs', sub.stdout.trim()]);
    expect(lines(logs.stdout).map((l) => l.split(': ')[1])).toEqual(['hi backend']);
    expect((await b.run(['template', 'delete', 'e2e-greeter'])).code).toBe(0);
    expect((await b.run(['template', 'list', '-o', 'name'])).stdout).toBe('');
  });

  it('suspend nodes: node set supplies the output, resume lets it finish', async () => {
    const sub = await b.run(['submit', fixture('lifecycle-approval.yaml'), '-o', 'name']);
    expect(sub.code, sub.stderr).toBe(0);
    const wf = sub.stdout.trim();
    const end = Date.now() + 20_000;
    for (;;) {
      const got = JSON.parse((await b.run(['get', wf, '-o', 'json'])).stdout);
      if (Object.values(got.status?.nodes ?? {}).some((n: any) => n.displayName === 'approve')) break;
      if (Date.now() > end) throw new Error('approve node never appeared');
      await new Promise((r) => setTimeout(r, 200));
    }
    const set = await b.run([
      'node',
      'set',
      wf,
      '--output-parameter',
      'choice="yes"',
      '--node-field-selector',
      'displayName=approve',
    ]);
    expect(set.code, set.stderr).toBe(0);
    const resume = await b.run(['resume', wf, '--node-field-selector', 'displayName=approve']);
    expect(resume.code, resume.stderr).toBe(0);
    expect((await b.run(['wait', wf])).code).toBe(0);
    expect(lines((await b.run(['logs', wf])).stdout).map((l) => l.split(': ')[1])).toEqual(['chose yes']);
  });

  it('cron workflows: create, list, suspend, delete', async () => {
    const c = await b.run(['cron', 'create', fixture('cron-yearly.yaml')]);
    expect(c.code, c.stderr).toBe(0);
    expect(lines((await b.run(['cron', 'list', '-o', 'name'])).stdout)).toEqual(['yearly']);
    expect((await b.run(['cron', 'suspend', 'yearly'])).code).toBe(0);
    expect((await b.run(['cron', 'delete', 'yearly'])).code).toBe(0);
  });

  it('delete prints the line; the workflow is gone, and get and list answer from its archived record', async () => {
    const r = await b.run(['delete', name]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`Workflow '${name}' deleted`]);
    // As the Argo Server does, get falls back to the archive by name: the CLI says it did.
    const get = await b.run(['get', name]);
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toMatch(/^Status:\s+Succeeded$/m);
    expect(get.stderr).toMatch(
      new RegExp(
        `^Workflow ${name} was deleted after it was archived; this is its archived record \\(argo archive get [0-9a-f-]{36}\\)\n$`,
      ),
    );
    // Both list archived workflows with the live ones, as the Argo Server does, in each of its formats.
    const listed = lines((await b.run(['list', '-o', 'name'])).stdout);
    expect(listed).toContain(name);
    const table = lines((await b.run(['list'])).stdout);
    expect(table[0]).toMatch(/^NAME\s+STATUS\s+AGE\s+DURATION\s+PRIORITY\s+MESSAGE$/);
    expect(table).toContainEqual(
      expect.stringMatching(new RegExp(`^${name}\\s+Succeeded\\s+\\d+[smh]\\s+\\d+s\\s+0\\s*$`)),
    );
    // Upstream's archive list carries a summary, no nodes (its query selects no status.nodes), so
    // its printer counts no pods for an archived row: P/R/C is 0/0/0, the parameters are there.
    const wide = lines((await b.run(['list', '-o', 'wide'])).stdout);
    expect(wide[0]).toMatch(/\sP\/R\/C\s+PARAMETERS$/);
    expect(wide).toContainEqual(
      expect.stringMatching(
        new RegExp(`^${name}\\s+Succeeded\\s+\\d+[smh]\\s+\\d+s\\s+0\\s+0/0/0\\s+word=default-word$`),
      ),
    );
    const json = JSON.parse((await b.run(['list', '-o', 'json'])).stdout) as Workflow[];
    expect(json.find((w) => w.metadata.name === name)?.status?.phase).toBe('Succeeded');
    // Pages run over live and archived workflows alike: one at a time lists the same ones.
    const paged = lines((await b.run(['list', '-o', 'name', '--chunk-size', '1'])).stdout);
    expect([...paged].sort()).toEqual([...listed].sort());
    // A change needs the live workflow: it is not found.
    const stop = await b.run(['stop', name]);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain('not found');
    // Once the record goes too, so does the workflow.
    const uid = /argo archive get ([0-9a-f-]{36})/.exec(get.stderr)![1];
    expect((await b.run(['archive', 'delete', uid])).code).toBe(0);
    expect((await b.run(['get', name])).code).toBe(1);
    expect(lines((await b.run(['list', '-o', 'name'])).stdout)).not.toContain(name);
  });
});

describe('the http backend against servers it cannot use', () => {
  let cli: Cli;
  beforeAll(() => {
    cli = cliWithHome();
  });
  afterAll(() => cli.dispose());

  it('names the address in one error line when nothing listens there', async () => {
    const r = await cli.run(['list'], { env: { ARGO_LOCAL: '', ARGO_SERVER: 'localhost:1' } });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('cannot reach the Argo Server at https://localhost:1');
  });

  it('says what to do when the certificate is not trusted or TLS is not spoken', async () => {
    const server = await startServer(cli.home);
    try {
      const strict = await cli.run(['list'], {
        env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}` },
      });
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('ARGO_INSECURE_SKIP_VERIFY=true');
      const plain = await cli.run(['list'], {
        env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_SECURE: 'false' },
      });
      expect(plain.code).toBe(1);
      expect(lines(plain.stderr)).toHaveLength(1);
      expect(plain.stderr).toContain(`cannot reach the Argo Server at http://localhost:${server.port}`);
      const noToken = await cli.run(['list'], {
        env: {
          ARGO_LOCAL: '',
          ARGO_SERVER: `localhost:${server.port}`,
          ARGO_INSECURE_SKIP_VERIFY: 'true',
          ARGO_TOKEN: 'Bearer nope',
        },
      });
      expect(noToken.code).toBe(1);
      expect(noToken.stderr).toContain('Unauthorized');
      const token = await cli.run(['auth', 'token'], { env: { ARGO_LOCAL: '' } });
      expect(token.stdout).toMatch(/^Bearer [\w-]{20,}\n$/);
      const withToken = await cli.run(['list'], {
        env: {
          ARGO_LOCAL: '',
          ARGO_SERVER: `localhost:${server.port}`,
          ARGO_INSECURE_SKIP_VERIFY: 'true',
          ARGO_TOKEN: token.stdout.trim(),
        },
      });
      expect(withToken.code, withToken.stderr).toBe(0);
      const headers = await cli.run(['list', '-H', 'X-Trace: 1', '--argo-base-href', '/'], {
        env: { ARGO_LOCAL: '', ARGO_SERVER: `localhost:${server.port}`, ARGO_INSECURE_SKIP_VERIFY: 'true' },
      });
      expect(headers.code, headers.stderr).toBe(0);
    } finally {
      await stop(server.child);
    }
  });

  it('argo server refuses sso with a clear message', async () => {
    await expect(startServer(cli.home, ['--auth-mode', 'sso'])).rejects.toThrow(
      /auth mode "sso" is not supported/,
    );
  });
});

describe('the Argo Server records who acted', () => {
  // The user the server runs as: its token file's owner, whom client mode's token stands for.
  const user = userInfo().username;
  const ACTORS = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: actors-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: resume-me, template: wait}
      - {name: stop-me, template: wait}
      - {name: set-me, template: wait}
  - name: wait
    suspend: {}
`;
  let b: Backend;
  let manifest: string;
  beforeAll(async () => {
    b = await httpBackend();
    manifest = path.join(mkdtempSync(path.join(tmpdir(), 'actors-')), 'actors.yaml');
    writeFileSync(manifest, ACTORS);
  }, 40_000);
  afterAll(() => b?.dispose());

  async function workflow(name: string): Promise<Workflow> {
    return JSON.parse((await b.run(['get', name, '-o', 'json'])).stdout) as Workflow;
  }
  const node = (wf: Workflow, displayName: string) =>
    Object.values(wf.status?.nodes ?? {}).find((n) => n.displayName === displayName);

  /** Submits the three-suspend-node workflow and waits until all three wait. */
  async function submitSuspended(): Promise<string> {
    const sub = await b.run(['submit', manifest, '-o', 'name']);
    expect(sub.code, sub.stderr).toBe(0);
    const name = sub.stdout.trim();
    const end = Date.now() + 20_000;
    for (;;) {
      const wf = await workflow(name);
      if (['resume-me', 'stop-me', 'set-me'].every((d) => node(wf, d)?.phase === 'Running')) break;
      if (Date.now() > end) throw new Error('the suspend nodes never all waited');
      await new Promise((r) => setTimeout(r, 200));
    }
    return name;
  }

  it('resume, stop and node set of a node: the messages and actor labels say who', async () => {
    const name = await submitSuspended();
    const nodeArgs = (d: string) => [name, '--node-field-selector', `displayName=${d}`];
    expect((await b.run(['resume', ...nodeArgs('resume-me')])).code).toBe(0);
    let wf = await workflow(name);
    expect(node(wf, 'resume-me')?.message).toBe(`Resumed by: map[User:${user}]`);
    expect(wf.metadata.labels).toMatchObject({
      'workflows.argoproj.io/actor': user,
      'workflows.argoproj.io/action': 'Resume',
    });

    expect((await b.run(['stop', ...nodeArgs('stop-me'), '--message', 'not today'])).code).toBe(0);
    wf = await workflow(name);
    expect(node(wf, 'stop-me')).toMatchObject({ phase: 'Failed', message: 'not today' });
    expect(wf.metadata.labels?.['workflows.argoproj.io/action']).toBe('Stop');

    const set = await b.run([
      'node',
      'set',
      ...nodeArgs('set-me'),
      '--message',
      'seen',
      '--phase',
      'Succeeded',
    ]);
    expect(set.code, set.stderr).toBe(0);
    wf = await workflow(name);
    expect(node(wf, 'set-me')?.message).toBe('seen');
    // Set is no action of its own: the actor is recorded, the previous action cleared.
    expect(wf.metadata.labels?.['workflows.argoproj.io/actor']).toBe(user);
    expect(wf.metadata.labels).not.toHaveProperty(['workflows.argoproj.io/action']);
  });

  it('suspend, stop and terminate of a workflow label it with who did it', async () => {
    // Each on a workflow of its own: a stopped or terminated one may be over before the next action.
    const labelsAfter = async (action: string): Promise<Record<string, string> | undefined> => {
      const name = await submitSuspended();
      const r = await b.run([action, name]);
      expect(r.code, r.stderr).toBe(0);
      return (await workflow(name)).metadata.labels;
    };
    for (const [action, recorded] of [
      ['suspend', 'Suspend'],
      ['stop', 'Stop'],
      ['terminate', 'Terminate'],
    ]) {
      expect(await labelsAfter(action), action).toMatchObject({
        'workflows.argoproj.io/actor': user,
        'workflows.argoproj.io/action': recorded,
      });
    }
  });
});
