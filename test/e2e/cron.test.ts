// `argo cron` as a process on the local backend: printed output and exit codes.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { CronWorkflow, Workflow } from '../../src/model/workflow.js';
import { fixture, lines, useCli } from './cli.js';

const CRON_FIXTURES = fileURLToPath(new URL('../fixtures/cron/', import.meta.url));
const cronFixture = (name: string): string => join(CRON_FIXTURES, name);
// A detached controller started by `cron create` goes soon after its cron workflows do.
const ENV = { ARGO_TS_CONTROLLER_IDLE_EXIT_SECONDS: '2', TZ: 'UTC' };

const cli = useCli();
const argo = (...args: string[]) => cli.run(args, { env: ENV });

afterAll(async () => {
  await argo('cron', 'delete', '--all');
  await argo('cron', 'delete', '--all', '-n', 'other');
});

const TIME = String.raw`\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \+0000`;

describe('argo cron lint', () => {
  it('finds cron workflows clean, once the templates they use exist', async () => {
    const simple = ['replace-every-minute.yaml', 'when-spaced.yaml', 'two-schedules.yaml'].map(cronFixture);
    let r = await argo('cron', 'lint', ...simple);
    expect(r.stdout).toBe('✔ no linting errors found!\n');
    expect(r.code).toBe(0);

    const withTemplates = ['nightly-with-template.yaml', 'dag-cron.yaml'].map(cronFixture);
    r = await argo('cron', 'lint', ...withTemplates);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✖ in "every-five" (CronWorkflow): cannot validate Workflow: workflowtemplates.argoproj.io "inline-dag" not found',
    );
    expect(
      (
        await argo(
          'template',
          'create',
          cronFixture('nightly-with-template.yaml'),
          cronFixture('dag-template.yaml'),
        )
      ).code,
    ).toBe(0);
    r = await argo('cron', 'lint', ...withTemplates);
    expect(r.stdout).toBe('✔ no linting errors found!\n');
    expect(r.code).toBe(0);
    r = await argo('lint', ...simple, ...withTemplates);
    expect(r.stdout).toBe('✔ no linting errors found!\n');
    expect(r.code).toBe(0);
  });

  it('reports a malformed schedule and exits 1', async () => {
    const r = await argo('cron', 'lint', '-o', 'simple', fixture('cron-bad-schedule.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'in "bad-schedule" (CronWorkflow): cron schedule 10 * * 12737123 * is malformed: end of range (12737123) above maximum (12): 12737123',
    );
  });

  it('refuses an unknown report format as pflag does', async () => {
    const r = await argo('cron', 'lint', '-o', 'fancy', fixture('cron-yearly.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: invalid argument "fancy" for "-o, --output" flag: One of: pretty|simple\n');
  });
});

describe('argo cron create, get, list', () => {
  it('create prints the cron workflow as get does', async () => {
    const r = await argo('cron', 'create', fixture('cron-yearly.yaml'));
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out[0]).toBe('Name:                          yearly');
    expect(out[1]).toBe('Namespace:                     default');
    expect(out[2]).toMatch(new RegExp(`^Created:                       ${TIME} \\(now\\)$`));
    expect(out.slice(3, 8)).toEqual([
      'Schedules:                     0 0 1 1 *',
      'Suspended:                     false',
      'Timezone:                      Asia/Tokyo',
      'StartingDeadlineSeconds:       30',
      'ConcurrencyPolicy:             Forbid',
    ]);
    // New Year in Tokyo is 15:00 UTC on the 31st of December.
    expect(out[8]).toMatch(
      new RegExp(
        `^NextScheduledTime:             Thu Dec 31 15:00:00 \\+0000 \\(.* from now\\) \\(assumes workflow-controller is in UTC\\)$|^NextScheduledTime:             \\w{3} Dec 31 15:00:00`,
      ),
    );
    expect(out.slice(9)).toEqual([
      `${'Workflow Parameters:'.padEnd(30)} `,
      `${'  greeting:'.padEnd(30)} hello`,
    ]);
  });

  it('create applies the overrides: name, schedule, entrypoint, parameters, labels, service account', async () => {
    const r = await argo(
      'cron',
      'create',
      fixture('cron-yearly.yaml'),
      '--name',
      'overridden',
      '--schedule',
      '*/5 * * * *',
      '--entrypoint',
      'other',
      '-p',
      'greeting=hi',
      '-l',
      'kind=test',
      '--serviceaccount',
      'robot',
      '-o',
      'json',
    );
    expect(r.code).toBe(0);
    // As Argo's, create prints the get layout whatever -o says.
    expect(r.stdout.split('\n')[0]).toBe('Name:                          overridden');
    const cron = JSON.parse((await argo('cron', 'get', 'overridden', '-o', 'json')).stdout) as CronWorkflow;
    expect(cron.spec.schedules).toEqual(['*/5 * * * *']);
    expect(cron.spec.workflowSpec.entrypoint).toBe('other');
    expect(cron.spec.workflowSpec.serviceAccountName).toBe('robot');
    expect(cron.spec.workflowSpec.arguments?.parameters).toEqual([{ name: 'greeting', value: 'hi' }]);
    expect(cron.spec.workflowMetadata?.labels).toEqual({ kind: 'test' });
  });

  it('create refuses a duplicate, a bad output format and files without cron workflows', async () => {
    let r = await argo('cron', 'create', fixture('cron-yearly.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'failed to create cron workflow: cronworkflows.argoproj.io "yearly" already exists',
    );
    r = await argo('cron', 'create', fixture('cron-yearly.yaml'), '-o', 'table');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'Error: invalid argument "table" for "-o, --output" flag: One of: name|json|yaml|wide\n',
    );
    r = await argo('cron', 'create', fixture('succeed.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No CronWorkflows found in given files');
    r = await argo('cron', 'create', fixture('cron-bad-schedule.yaml'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'failed to create cron workflow: cron schedule 10 * * 12737123 * is malformed',
    );
  });

  it('get prints name, json and yaml, and fails for a missing one', async () => {
    expect((await argo('cron', 'get', 'yearly', '-o', 'name')).stdout).toBe('yearly\n');
    expect((await argo('cron', 'get', 'yearly', '-o', 'yaml')).stdout).toMatch(
      /^apiVersion: argoproj.io\/v1alpha1\nkind: CronWorkflow\n/,
    );
    const r = await argo('cron', 'get', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cronworkflows.argoproj.io "nope" not found');
  });

  it('list prints Argo columns, names, every namespace and by label', async () => {
    expect((await argo('-n', 'other', 'cron', 'create', fixture('cron-yearly.yaml'))).code).toBe(0);
    let r = await argo('cron', 'list');
    expect(r.code).toBe(0);
    const table = lines(r.stdout);
    expect(table[0]).toMatch(/^NAME\s+AGE\s+LAST RUN\s+NEXT RUN\s+SCHEDULES\s+TIMEZONE\s+SUSPENDED$/);
    expect(table.slice(1).map((l) => l.split(/\s{3,}/))).toEqual([
      [
        'overridden',
        expect.stringMatching(/^\d+s$/),
        'N/A',
        expect.stringMatching(/^\d+m$|^\d+s$/),
        '*/5 * * * *',
        'Asia/Tokyo',
        'false',
      ],
      [
        'yearly',
        expect.stringMatching(/^\d+s$/),
        'N/A',
        expect.stringMatching(/^\d+d$/),
        '0 0 1 1 *',
        'Asia/Tokyo',
        'false',
      ],
    ]);
    expect((await argo('cron', 'list', '-o', 'name')).stdout).toBe('overridden\nyearly\n');
    r = await argo('cron', 'list', '-A');
    expect(lines(r.stdout)[0]).toMatch(/^NAMESPACE\s+NAME\s+AGE/);
    expect(
      lines(r.stdout)
        .slice(1)
        .map((l) => l.split(/\s+/).slice(0, 2)),
    ).toEqual([
      ['default', 'overridden'],
      ['default', 'yearly'],
      ['other', 'yearly'],
    ]);
    expect((await argo('cron', 'list', '-l', 'team=a', '-o', 'name')).stdout).toBe('overridden\nyearly\n');
    expect((await argo('cron', 'list', '-l', 'team!=a', '-o', 'name')).stdout).toBe('');
    r = await argo('cron', 'list', '-o', 'json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('Error: invalid argument "json" for "-o, --output" flag: One of: wide|name\n');
  });
});

describe('argo cron suspend, resume, update, delete', () => {
  it('suspend and resume print one line per cron workflow and set spec.suspend', async () => {
    let r = await argo('cron', 'suspend', 'yearly', 'overridden');
    expect(r.stdout).toBe("CronWorkflow 'yearly' suspended\nCronWorkflow 'overridden' suspended\n");
    expect((await argo('cron', 'get', 'yearly')).stdout).toContain('Suspended:                     true\n');
    r = await argo('cron', 'resume', 'yearly');
    expect(r.stdout).toBe("CronWorkflow 'yearly' resumed\n");
    expect((await argo('cron', 'get', 'yearly')).stdout).toContain('Suspended:                     false\n');
    r = await argo('cron', 'suspend', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cronworkflows.argoproj.io "nope" not found');
  });

  it('update replaces the stored cron workflow and prints it', async () => {
    const r = await argo('cron', 'update', fixture('cron-yearly.yaml'), '--entrypoint', 'other');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Name:                          yearly');
    const cron = JSON.parse((await argo('cron', 'get', 'yearly', '-o', 'json')).stdout) as CronWorkflow;
    expect(cron.spec.workflowSpec.entrypoint).toBe('other');
    const missing = await argo('cron', 'update', fixture('cron-yearly.yaml'), '-n', 'nowhere');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('failed to get existing cron workflow "yearly" to update');
  });

  it('delete prints nothing; --all deletes the rest of the namespace', async () => {
    let r = await argo('cron', 'delete', 'overridden');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect((await argo('cron', 'list', '-o', 'name')).stdout).toBe('yearly\n');
    r = await argo('cron', 'delete', '--all', '-n', 'other');
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect((await argo('cron', 'list', '-A', '-o', 'name')).stdout).toBe('yearly\n');
    r = await argo('cron', 'delete', 'nope');
    expect(r.code).toBe(1);
  });
});

describe('argo submit --from cronwf and argo cron backfill', () => {
  it('submit --from makes a workflow owned by the cron workflow', async () => {
    const r = await argo('submit', '--from', 'cronwf/yearly', '-o', 'json', '--dry-run');
    expect(r.code).toBe(0);
    const wf = JSON.parse(r.stdout) as Workflow;
    expect(wf.metadata.generateName).toBe('yearly-');
    expect(wf.metadata.labels?.['workflows.argoproj.io/cron-workflow']).toBe('yearly');
    expect(wf.metadata.annotations?.['workflows.argoproj.io/scheduled-time']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    expect(wf.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'CronWorkflow',
        name: 'yearly',
        controller: true,
        blockOwnerDeletion: true,
      }),
    ]);
  });

  it('backfill creates a monitor workflow per batch of scheduled times and prints them', async () => {
    let r = await argo(
      'cron',
      'backfill',
      'yearly',
      '--name',
      'b1',
      '--maxworkflowcount',
      '2',
      '--start',
      'Sat, 01 Jan 2000 00:00:00 UTC',
      '--end',
      'Sat, 01 Jan 2005 00:00:00 UTC',
    );
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n');
    expect(out.slice(0, 9)).toEqual([
      'Created b1 Backfill task for Cronworkflow yearly ',
      '==================================================',
      'Backfill Period :',
      'Start Time : Sat, 01 Jan 2000 00:00:00 UTC ',
      '  End Time : Sat, 01 Jan 2005 00:00:00 UTC ',
      'Total Backfill Schedule: 5 ',
      '==================================================',
      'Backfill Workflows: ',
      '   NAMESPACE\t WORKFLOW: ',
    ]);
    expect(out.slice(9, 12)).toEqual([
      expect.stringMatching(/^1\. default \t backfill-wf-\w{5} $/),
      expect.stringMatching(/^2\. default \t backfill-wf-\w{5} $/),
      expect.stringMatching(/^3\. default \t backfill-wf-\w{5} $/),
    ]);
    const monitors = (
      JSON.parse(
        (await argo('list', '-o', 'json', '-l', 'workflows.argoproj.io/backfill=yearly')).stdout,
      ) as Workflow[]
    )
      .map((w) => w.spec.templates?.[0].steps?.[0][0].withParam)
      .sort();
    // The process runs in UTC and the schedule is read without the cron workflow's timezone, as Argo does.
    expect(monitors).toEqual([
      '["2001-01-01 00:00:00 +0000 UTC","2002-01-01 00:00:00 +0000 UTC"]',
      '["2003-01-01 00:00:00 +0000 UTC","2004-01-01 00:00:00 +0000 UTC"]',
      '["2005-01-01 00:00:00 +0000 UTC"]',
    ]);
    const wf = JSON.parse(
      (await argo('get', lines(out[9].split('\t')[1])[0].trim(), '-o', 'json')).stdout,
    ) as Workflow;
    const manifest = wf.spec.templates?.[1].resource?.manifest ?? '';
    expect(manifest.startsWith('apiVersion: argoproj.io/v1alpha1 \nkind: Workflow\n')).toBe(true);
    expect(manifest).toContain('generateName: yearly-backfill-b1-\n');
    expect(manifest).toContain(
      "- name: cronScheduleTime\n      value: '{{inputs.parameters.backfillscheduletime}}'\n",
    );
    expect(manifest).toContain('priority: 2147483647\n');
    expect(manifest).toContain('mutexes:\n    - name: b1\n');

    r = await argo(
      'cron',
      'backfill',
      'yearly',
      '--start',
      'Sat, 01 Jan 2000 00:00:00 UTC',
      '--end',
      'Sun, 02 Jan 2000 00:00:00 UTC',
    );
    expect(r).toMatchObject({ code: 0, stdout: 'There is no suitable scheduling time.' });
    r = await argo('cron', 'backfill', 'yearly', '--end', 'Sun, 02 Jan 2000 00:00:00 UTC');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('start date should not be empty');
  });

  it('delete also removes the workflows the cron workflow owns, as Kubernetes collects them', async () => {
    const submitted = await argo('submit', '--from', 'cronwf/yearly', '-o', 'name');
    expect(submitted.code).toBe(0);
    const name = submitted.stdout.trim();
    expect((await argo('get', name, '-o', 'name')).stdout).toBe(`${name}\n`);
    expect((await argo('cron', 'delete', 'yearly')).code).toBe(0);
    // Not live any more: not found, or (when it finished and was archived first) its archived record.
    const gone = await argo('get', name);
    if (gone.code === 0) expect(gone.stderr).toContain(`Workflow ${name} was deleted after it was archived`);
    else expect(gone.stderr).toContain('not found');
  });
});
