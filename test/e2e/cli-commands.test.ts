// The commands beyond workflows, run as a process on the local backend: cluster templates,
// template update, sync limits, the archive on the local backend, convert, executor-plugin
// build, and cobra's help and flag errors.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, lines, repoRoot, useCli } from './cli.js';
import { checkArchiveFormatsAndSelectors, checkArchiveRetryAndResubmit } from './archive-rerun.js';

const cli = useCli();
const cliFixture = (name: string): string => fixture(path.join('cli', name));

describe('argo cluster-template', () => {
  it('create, list (also by alias), update, get, lint and delete', async () => {
    const created = await cli.run(['cluster-template', 'create', cliFixture('cluster-template.yaml')]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Name:\s+cluster-hello\nCreated:\s+/);

    const list = await cli.run(['cwft', 'list']);
    expect(lines(list.stdout).map((l) => l.trim())).toEqual(['NAME', 'cluster-hello']);

    const edited = path.join(mkdtempSync(path.join(os.tmpdir(), 'argo-cwft-')), 'cwft.yaml');
    writeFileSync(
      edited,
      readFileSync(cliFixture('cluster-template.yaml'), 'utf8').replace('[echo, hi]', '[echo, hello]'),
    );
    const updated = await cli.run(['cluster-template', 'update', edited, '-o', 'json']);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout).spec.templates[0].container.command).toEqual(['echo', 'hello']);
    const got = await cli.run(['cluster-template', 'get', 'cluster-hello', '-o', 'yaml']);
    expect(got.stdout).toContain('      - hello\n');

    const lint = await cli.run(['cluster-template', 'lint', cliFixture('cluster-template.yaml')]);
    expect(lint.code).toBe(0);

    const deleted = await cli.run(['cluster-template', 'delete', 'cluster-hello']);
    expect(deleted.stdout).toBe("ClusterWorkflowTemplate 'cluster-hello' deleted\n");
    const gone = await cli.run(['cluster-template', 'get', 'cluster-hello']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('not found');
  });

  it('rejects an -o it does not know while parsing, as pflag does', async () => {
    const r = await cli.run(['cluster-template', 'list', '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: invalid argument "json" for "-o, --output" flag: One of: wide|name\n');
  });
});

describe('argo template update', () => {
  it('replaces a stored template and fails for one that is not stored', async () => {
    expect((await cli.run(['template', 'create', fixture('template.yaml')])).code).toBe(0);
    const r = await cli.run(['template', 'update', fixture('template.yaml'), '-o', 'name']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('e2e-greeter\n');
    await cli.run(['template', 'delete', 'e2e-greeter']);
    const missing = await cli.run(['template', 'update', fixture('template.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('failed to get existing workflow template "e2e-greeter" to update');
  });
});

describe('argo sync', () => {
  const cm = ['--type', 'configmap', '--cm-name', 'my-limits'];
  it('creates, reads, updates and deletes a ConfigMap limit', async () => {
    const created = await cli.run(['sync', 'create', 'gpu', ...cm, '--limit', '3']);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe(
      'Sync limit created\nKey: gpu\nType: configmap\nConfigMap Name: my-limits\nNamespace: default\nLimit: 3\n',
    );
    const again = await cli.run(['sync', 'create', 'gpu', ...cm, '--limit', '3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'failed to create sync limit: sync limit cannot be created as it already exists',
    );

    const updated = await cli.run([
      'sync',
      'update',
      'gpu',
      '--type',
      'CONFIGMAP',
      '--cm-name',
      'my-limits',
      '--limit',
      '5',
    ]);
    expect(updated.stdout).toContain('Sync limit updated\n');
    expect((await cli.run(['sync', 'get', 'gpu', ...cm])).stdout).toContain('Limit: 5\n');

    expect((await cli.run(['sync', 'delete', 'gpu', ...cm])).stdout).toBe('Sync limit deleted\n');
    const gone = await cli.run(['sync', 'get', 'gpu', ...cm]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('key gpu not found in configmap default/my-limits');
  });

  it("creates, reads, updates and deletes a database limit in the local engine's synchronization database", async () => {
    const db = ['--type', 'database'];
    const created = await cli.run(['sync', 'create', 'gpu-db', ...db, '--limit', '3']);
    expect([created.code, created.stdout]).toEqual([
      0,
      'Sync limit created\nKey: gpu-db\nType: database\nNamespace: default\nLimit: 3\n',
    ]);
    const again = await cli.run(['sync', 'create', 'gpu-db', ...db, '--limit', '3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('sync limit cannot be created as it already exists');
    const updated = await cli.run(['sync', 'update', 'gpu-db', ...db, '--limit', '5']);
    expect([updated.code, updated.stdout]).toEqual([
      0,
      'Sync limit updated\nKey: gpu-db\nType: database\nNamespace: default\nLimit: 5\n',
    ]);
    // Read back by a separate process: the limit is in the database, not in the CLI's memory.
    expect((await cli.run(['sync', 'get', 'gpu-db', ...db])).stdout).toContain('Limit: 5\n');
    expect((await cli.run(['sync', 'delete', 'gpu-db', ...db])).stdout).toBe('Sync limit deleted\n');
    const gone = await cli.run(['sync', 'get', 'gpu-db', ...db]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe(
      'Error: failed to get sync limit: sync limit default/gpu-db not found in the database\n',
    );
  });

  it('checks its flags before doing anything', async () => {
    const noType = await cli.run(['sync', 'create', 'gpu', '--limit', '1']);
    expect([noType.code, noType.stderr]).toEqual([1, 'Error: required flag(s) "type" not set\n']);
    const badType = await cli.run(['sync', 'get', 'gpu', '--type', 'redis']);
    expect(badType.stderr).toBe("Error: --type must be either 'database' or 'configmap'\n");
    const noCm = await cli.run(['sync', 'get', 'gpu', '--type', 'configmap']);
    expect(noCm.stderr).toBe('Error: --cm-name is required when type is configmap\n');
    const zero = await cli.run(['sync', 'create', 'gpu', ...cm, '--limit', '0']);
    expect(zero.code).toBe(1);
    expect(zero.stderr).toContain('limit must be greater than zero');
  });
});

describe('argo archive on the local backend', () => {
  it('lists, gets and deletes the workflows the local engine archived, and lists their labels', async () => {
    const sub = await cli.run([
      'submit',
      fixture('succeed.yaml'),
      '--wait',
      '-o',
      'name',
      '--labels',
      'team=e2e',
    ]);
    expect(sub.code).toBe(0);
    const name = sub.stdout.trim();
    const live = JSON.parse((await cli.run(['get', name, '-o', 'json'])).stdout);
    expect(live.metadata.labels['workflows.argoproj.io/workflow-archiving-status']).toBe('Archived');
    const uid: string = live.metadata.uid;

    const list = await cli.run(['archive', 'list', '-l', 'team=e2e', '-o', 'name']);
    expect(list.stderr).toBe('');
    expect(lines(list.stdout)).toEqual([name]);
    expect((await cli.run(['archive', 'list', '-l', 'team=other', '-o', 'name'])).stdout).toBe(
      'No workflows found\n',
    );

    const byName = await cli.run(['archive', 'get', name, '-o', 'json']);
    expect(byName.code).toBe(0);
    const archived = JSON.parse(byName.stdout);
    expect(archived.metadata.uid).toBe(uid);
    expect(archived.status.phase).toBe('Succeeded');
    expect(archived.metadata.labels['workflows.argoproj.io/workflow-archiving-status']).toBe('Persisted');

    expect(lines((await cli.run(['archive', 'list-label-keys'])).stdout)).toContain('team');
    expect(lines((await cli.run(['archive', 'list-label-values', '-l', 'team'])).stdout)).toEqual(['e2e']);

    const del = await cli.run(['archive', 'delete', uid]);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe(`Archived workflow '${uid}' deleted\n`);
    const gone = await cli.run(['archive', 'get', uid]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('not found');
  });

  it('retries and resubmits archived workflows', async () => {
    await checkArchiveRetryAndResubmit((args) => cli.run(args));
  }, 60_000);

  it('prints every archive output format and chooses by label and field selector', async () => {
    await checkArchiveFormatsAndSelectors((args) => cli.run(args));
  }, 90_000);

  it('refuses --name with --uid', async () => {
    const both = await cli.run(['archive', 'delete', 'x', '--name', '--uid']);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('[name uid] were all set');
  });
});

describe('argo convert', () => {
  it('moves singular fields into the plural ones and leaves other kinds alone', async () => {
    const r = await cli.run(['convert', cliFixture('legacy.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  schedules:\n  - '*/5 * * * *'\n");
    expect(r.stdout).toContain('    synchronization:\n      mutexes:\n      - name: one-at-a-time\n');
    expect(r.stdout).toContain('        semaphores:\n        - configMapKeyRef:\n');
    expect(r.stdout).not.toMatch(/^\s*(schedule|mutex|semaphore):/m);
    expect(r.stdout.split('---\n')).toHaveLength(3);
    expect(r.stdout).toContain('---\napiVersion: v1\ndata:\n  a: "1"\n  b: "2"\nkind: ConfigMap\n');

    const json = await cli.run(['convert', '-o', 'json', cliFixture('legacy.yaml')]);
    const docs = lines(json.stdout).map(
      (l) => JSON.parse(l) as { kind: string; spec?: { schedules?: string[] } },
    );
    expect(docs.map((d) => d.kind)).toEqual(['CronWorkflow', 'ConfigMap']);
    expect(docs[0].spec?.schedules).toEqual(['*/5 * * * *']);
  });
});

describe('argo executor-plugin build', () => {
  it('writes the ConfigMap with the server code as the sidecar args', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'argo-plugin-'));
    cpSync(cliFixture('plugin'), dir, { recursive: true });
    const r = await cli.run(['executor-plugin', 'build', dir]);
    expect(r.code).toBe(0);
    const cmPath = path.join(dir, 'hello-executor-plugin-configmap.yaml');
    expect(r.stdout).toBe(`${cmPath} created\n${path.join(dir, 'README.md')} created\n`);
    const text = readFileSync(cmPath, 'utf8');
    expect(text.startsWith('# This is an auto-generated file. DO NOT EDIT\napiVersion: v1\ndata:\n')).toBe(
      true,
    );
    expect(text).toContain(
      '  sidecar.automountServiceAccountToken: "true"\n  sidecar.container: |\n    args:\n    - |\n      print("hi")\n',
    );
    expect(text).toContain(
      '  labels:\n    workflows.argoproj.io/configmap-type: ExecutorPlugin\n  name: hello-executor-plugin\n',
    );
  });
});

describe('help and flag errors as cobra prints them', () => {
  it('argo --help lists the commands and the global flags', async () => {
    const r = await cli.run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage:\n  argo [flags]\n  argo [command]\n\nAvailable Commands:\n');
    expect(r.stdout).toMatch(/^ {2}cluster-template +manipulate cluster workflow templates$/m);
    expect(r.stdout).toMatch(/^ {2}-n, --namespace string +/m);
    expect(r.stdout.endsWith('Use "argo [command] --help" for more information about a command.\n')).toBe(
      true,
    );
  });

  it('a subcommand shows aliases, examples, its flags and the global ones', async () => {
    const r = await cli.run(['cluster-template', 'create', '--help']);
    expect(r.stdout).toMatch(
      /^create cluster workflow templates from files\n\nUsage:\n {2}argo cluster-template create FILE1 FILE2\.\.\. \[flags\]\n\nExamples:\n/,
    );
    expect(r.stdout).toContain('\nFlags:\n  -h, --help            help for create\n  -o, --output string   ');
    expect(r.stdout).toContain('      --strict          reject unknown fields (default true)\n');
    expect(r.stdout).toContain('\nGlobal Flags:\n');
    const group = await cli.run(['cwftmpl', '--help']);
    expect(group.stdout).toContain('Aliases:\n  cluster-template, cwftmpl, cwft\n');
  });

  it('an unknown flag exits 1 with the Error line and the usage on stderr', async () => {
    const r = await cli.run(['list', '--bogus']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.startsWith('Error: unknown flag: --bogus\nUsage:\n  argo list [flags]\n')).toBe(true);
  });
});

describe('a spinner while waiting, only on a terminal', () => {
  const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
  it.skipIf(!hasScript)(
    'spins on stderr on a terminal, and writes nothing to stderr when piped',
    async () => {
      const piped = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
      // `script` runs the command on a pseudo-terminal; stty gives it a width to redraw within.
      const home = mkdtempSync(path.join(os.tmpdir(), 'argo-tty-'));
      const argo = `"${process.execPath}" "${path.join(repoRoot, 'bin/argo.js')}"`;
      const env: NodeJS.ProcessEnv = { ...process.env, ARGO_HOME: home, ARGO_LOCAL: 'true' };
      for (const k of ['CI', 'ARGO_SERVER', 'NO_COLOR']) delete env[k];
      const tty = spawnSync(
        'script',
        ['-qec', `stty cols 80; ${argo} submit ${fixture('succeed.yaml')} --wait -o name`, '/dev/null'],
        { env, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      rmSync(home, { recursive: true, force: true });
      expect(tty.stdout).toContain('Waiting for e2e-succeed-');
      // The cursor is shown again once the wait is over.
      expect(tty.stdout.trimEnd().endsWith('\x1b[?25h')).toBe(true);
    },
  );
});
