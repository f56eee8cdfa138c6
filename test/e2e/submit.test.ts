// `argo submit` as a process: exit codes, output formats, parameters and how bad files are reported.
import { describe, expect, it } from 'vitest';
import { fixture, lines, useCli } from './cli.js';

const cli = useCli();

describe('argo submit', () => {
  it('--wait exits 0 when the workflow succeeds, and -o name prints only its name', async () => {
    const r = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.stringMatching(/^e2e-succeed-[a-z0-9]{5}$/)]);
    const got = await cli.run(['get', r.stdout.trim(), '-o', 'json']);
    expect(JSON.parse(got.stdout).status.phase).toBe('Succeeded');
  });

  it('--wait exits 1 when the workflow fails, and the workflow is recorded as Failed', async () => {
    const r = await cli.run(['submit', fixture('fail.yaml'), '--wait', '-o', 'name']);
    expect(r.code).toBe(1);
    const name = lines(r.stdout)[0];
    expect(name).toMatch(/^e2e-fail-/);
    const wf = JSON.parse((await cli.run(['get', name, '-o', 'json'])).stdout);
    expect(wf.status.phase).toBe('Failed');
  });

  it('-p overrides a workflow parameter, visible in get -o json and in the logs', async () => {
    const r = await cli.run([
      'submit',
      fixture('succeed.yaml'),
      '--wait',
      '-o',
      'name',
      '-p',
      'word=overridden',
    ]);
    expect(r.code).toBe(0);
    const name = r.stdout.trim();
    const wf = JSON.parse((await cli.run(['get', name, '-o', 'json'])).stdout);
    expect(wf.spec.arguments.parameters).toEqual([{ name: 'word', value: 'overridden' }]);
    const logs = await cli.run(['logs', name]);
    expect(lines(logs.stdout)).toEqual([
      expect.stringMatching(new RegExp(`^${name}[-a-z0-9]*: said overridden$`)),
    ]);
  });

  it('a malformed YAML file gives one line naming the file and the line, and exit 1', async () => {
    const r = await cli.run(['submit', fixture('malformed.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('malformed.yaml');
    expect(err[0]).toMatch(/\b(line )?11\b/);
  });

  it('an unknown field is rejected (strict by default) naming the field', async () => {
    const r = await cli.run(['submit', fixture('unknown-field.yaml')]);
    expect(r.code).toBe(1);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('unknown-field.yaml');
    expect(err[0]).toContain('spec.notAField');
    const list = await cli.run(['list', '-o', 'name']);
    expect(list.stdout).not.toContain('e2e-unknown-field');
  });

  it('an invalid workflow is refused without being stored', async () => {
    const r = await cli.run(['submit', fixture('invalid.yaml')]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr).join('\n')).toContain('not-there');
    const list = await cli.run(['list', '-o', 'name']);
    expect(list.stdout).not.toContain('e2e-invalid');
  });
});
