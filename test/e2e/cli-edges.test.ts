// Where a user of the Go argo CLI meets its edges: output into a closed pipe, mistyped commands,
// too few arguments. Run as a process, since these are about what the process prints and returns.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture, repoRoot, useCli } from './cli.js';

const cli = useCli();

const fifoDir = mkdtempSync(path.join(os.tmpdir(), 'argo-pipe-'));
afterAll(() => rmSync(fifoDir, { recursive: true, force: true }));

/**
 * The write end of a pipe whose reader has already gone, as `| head -1` leaves it once head has
 * its line: every write into it fails with EPIPE, with no race against the reader.
 */
function closedPipe(): number {
  const fifo = path.join(fifoDir, `p${Math.random().toString(36).slice(2)}`);
  execFileSync('mkfifo', [fifo]);
  const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(fifo, constants.O_WRONLY);
  closeSync(reader);
  return writer;
}

async function runIntoClosedPipe(args: string[]) {
  const fd = closedPipe();
  try {
    return await cli.run(args, { stdoutFd: fd });
  } finally {
    closeSync(fd);
  }
}

describe('output into a closed pipe', () => {
  let name = '';

  it('argo list and argo logs end quietly with exit 0', async () => {
    const submitted = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
    expect(submitted.code).toBe(0);
    name = submitted.stdout.trim();
    for (const args of [['list'], ['logs', name], ['get', name]]) {
      const r = await runIntoClosedPipe(args);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
    }
  });

  it('argo server --help ends quietly with exit 0', async () => {
    const r = await runIntoClosedPipe(['server', '--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
  });
});

// The CLI writes its output to fd 1 itself (src/cli/stdout.ts). A descriptor set non-blocking
// (by a program sharing the pipe: Node's own spawn makes a child's stdio blocking, so Python sets
// it here, then runs the CLI) refuses a write once the pipe is full (EAGAIN), and the rest then goes
// through Node's stream. Whether this reader lets the pipe fill is up to the scheduler (the switch
// itself is tested in test/unit/cli-output/stdout.test.ts); the output must arrive whole either way.
describe('output into a non-blocking pipe', () => {
  it('argo submit --dry-run -o json of a 200 KB workflow arrives whole, exit 0', async () => {
    const filler = 'x'.repeat(200_000);
    const file = path.join(fifoDir, 'big.json');
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'big-dry', annotations: { filler } },
        spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
      }),
    );
    const nonBlocking =
      'import fcntl, os, sys; fcntl.fcntl(1, fcntl.F_SETFL, fcntl.fcntl(1, fcntl.F_GETFL) | os.O_NONBLOCK); os.execv(sys.argv[1], sys.argv[1:])';
    const child = spawn(
      'python3',
      [
        '-c',
        nonBlocking,
        process.execPath,
        path.join(repoRoot, 'bin/argo.js'),
        'submit',
        file,
        '--dry-run',
        '-o',
        'json',
      ],
      {
        env: { ...process.env, ARGO_HOME: path.join(fifoDir, 'home'), ARGO_LOCAL: 'true', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = new Promise((resolve) => child.stdout.once('end', resolve));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    await ended;
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const printed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    expect(printed.metadata.annotations.filler).toBe(filler);
  });
});

describe('unknown commands', () => {
  it('names the command, suggests the nearest one and exits 1, as cobra does', async () => {
    const r = await cli.run(['sumbit', 'x.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error: unknown command "sumbit" for "argo"\n\nDid you mean this?\n\tsubmit\n\n' +
        "Run 'argo --help' for usage.\n",
    );
  });

  it('suggests every command within two edits or starting with what was typed', async () => {
    const r = await cli.run(['-n', 'default', 'lis']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Did you mean this?\n\tlint\n\tlist\n\tlogs\n\n');
  });

  it('without a near command, says so in two lines', async () => {
    const r = await cli.run(['zzzzzzzz']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: unknown command "zzzzzzzz" for "argo"\nRun \'argo --help\' for usage.\n');
  });

  it('under a group, prints the group help and exits 0, as cobra does below the root', async () => {
    const r = await cli.run(['template', 'bogus']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^manipulate workflow templates\n\nUsage:\n {2}argo template \[flags\]\n/);
  });
});

describe('argument counts', () => {
  it('too few for a command taking FILE... says cobra words and shows the usage', async () => {
    const r = await cli.run(['get']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: requires at least 1 arg\(s\), only received 0\nUsage:\n {2}argo get /);
  });

  it('exact and ranged counts say what cobra says', async () => {
    expect((await cli.run(['watch', 'a', 'b'])).stderr).toMatch(/^Error: accepts 1 arg\(s\), received 2\n/);
    expect((await cli.run(['logs'])).stderr).toMatch(
      /^Error: accepts between 1 and 2 arg\(s\), received 0\n/,
    );
  });
});

describe('submit --from', () => {
  it('accepts every kind name upstream accepts', async () => {
    for (const file of [fixture('template.yaml'), fixture('cli/cluster-template.yaml')]) {
      const kind = file.includes('cluster') ? 'cluster-template' : 'template';
      expect((await cli.run([kind, 'create', file])).code).toBe(0);
    }
    expect((await cli.run(['cron', 'create', fixture('cron-yearly.yaml')])).code).toBe(0);
    const from = async (ref: string) => {
      const r = await cli.run(['submit', '--from', ref, '--dry-run', '-o', 'json']);
      expect({ ref, code: r.code, stderr: r.stderr }).toEqual({ ref, code: 0, stderr: '' });
      return JSON.parse(r.stdout);
    };
    for (const kind of ['wftmpl', 'workflowtemplate']) {
      expect((await from(`${kind}/e2e-greeter`)).spec.workflowTemplateRef).toEqual({ name: 'e2e-greeter' });
    }
    for (const kind of ['cwftmpl', 'clusterworkflowtemplate']) {
      expect((await from(`${kind}/cluster-hello`)).spec.workflowTemplateRef).toEqual({
        name: 'cluster-hello',
        clusterScope: true,
      });
    }
    for (const kind of ['cwf', 'cronwf', 'cronworkflow', 'CronWorkflow']) {
      expect((await from(`${kind}/yearly`)).metadata.ownerReferences[0]).toMatchObject({
        kind: 'CronWorkflow',
        name: 'yearly',
      });
    }
  });

  it('refuses a kind it cannot start from, naming it', async () => {
    const r = await cli.run(['submit', '--from', 'pod/x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Resource kind 'pod' is not supported for submitting");
  });
});

describe('error texts users grep for', () => {
  it('a name that is not found reads "NAME" not found, printed as cobra prints an error', async () => {
    const r = await cli.run(['get', 'no-such-wf']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: workflows.argoproj.io "no-such-wf" not found\n');
  });

  it('a manifest that is not valid YAML says "yaml file is not valid", then where and why', async () => {
    const r = await cli.run(['submit', fixture('malformed.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Error: yaml file is not valid: \S*malformed\.yaml:11:\d+: .+\n$/);
  });
});

describe('submit --server-dry-run', () => {
  it('returns the workflow as the API server would store it, and stores nothing', async () => {
    // Made here unless an earlier test of this file made it already.
    await cli.run(['template', 'create', fixture('template.yaml')]);
    expect((await cli.run(['template', 'get', 'e2e-greeter'])).code).toBe(0);
    for (const args of [[fixture('succeed.yaml')], ['--from', 'wftmpl/e2e-greeter']]) {
      const r = await cli.run(['submit', ...args, '--server-dry-run', '-o', 'json']);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
      const meta = JSON.parse(r.stdout).metadata;
      expect(meta.name).toMatch(new RegExp(`^${meta.generateName}[a-z0-9]{5}$`));
      expect(meta.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect((await cli.run(['get', meta.name])).code).toBe(1);
    }
  });
});

describe('argo cron backfill', () => {
  it('takes --parallel as a bool flag with a value and dates in a Go layout, as upstream does', async () => {
    // Made here unless an earlier test of this file made it already.
    await cli.run(['cron', 'create', fixture('cron-yearly.yaml')]);
    const r = await cli.run([
      'cron',
      'backfill',
      'yearly',
      '--parallel',
      'true',
      '--format',
      '2006-01-02',
      '--start',
      '2024-01-01',
      '--end',
      '2026-06-01',
    ]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).toContain(
      'Start Time : 2024-01-01 \n  End Time : 2026-06-01 \nTotal Backfill Schedule: 2 \n',
    );
    const monitor = /1\. default \t (backfill-wf-\w{5}) /.exec(r.stdout)?.[1] ?? '';
    const wf = (await cli.run(['get', monitor, '-o', 'yaml'])).stdout;
    expect(wf).toContain('yearly-backfill-');
    // In parallel, the backfilled workflows do not share the backfill's mutex.
    expect(wf).not.toContain('mutexes');
  });
});

describe('colour', () => {
  it('FORCE_COLOR colours output into a pipe, as chalk reads it; NO_COLOR and FORCE_COLOR=0 turn it off', async () => {
    const submitted = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
    const name = submitted.stdout.trim();
    const get = (env: NodeJS.ProcessEnv) => cli.run(['get', name], { env: { NO_COLOR: '', ...env } });
    const succeeded = '\x1b[32m✔\x1b[0m';
    expect((await get({ FORCE_COLOR: '1' })).stdout).toContain(` ${succeeded} ${name}`);
    expect((await get({ FORCE_COLOR: '3' })).stdout).toContain(` ${succeeded} ${name}`);
    for (const env of [
      {},
      { FORCE_COLOR: '0' },
      { FORCE_COLOR: 'false' },
      { FORCE_COLOR: '1', NO_COLOR: '1' },
    ]) {
      const r = await get(env);
      expect({ env, code: r.code, escapes: r.stdout.includes('\x1b[') }).toEqual({
        env,
        code: 0,
        escapes: false,
      });
    }
    const logs = await cli.run(['logs', name], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(logs.stdout).toMatch(new RegExp(`^\\x1b\\[3\\dm${name}: said default-word\\x1b\\[0m\\n$`));
  });
});
