// lint exit codes, the template commands with submit --from, and version, as a process.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture, lines, repoRoot, useCli } from './cli.js';

const cli = useCli();

describe('argo lint', () => {
  it('exits 0 for valid files and folders', async () => {
    const r = await cli.run(['lint', fixture('succeed.yaml'), path.join(repoRoot, 'examples')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no linting errors found');
  });

  it('exits 1 and names each bad file', async () => {
    const r = await cli.run([
      'lint',
      fixture('succeed.yaml'),
      fixture('unknown-field.yaml'),
      fixture('invalid.yaml'),
    ]);
    expect(r.code).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('unknown-field.yaml');
    expect(out).toContain('invalid.yaml');
    expect(out).not.toMatch(/succeed\.yaml/);
  });
});

describe('argo template', () => {
  it('create, list, get', async () => {
    const created = await cli.run(['template', 'create', fixture('template.yaml')]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Name:\s+e2e-greeter$/m);

    const list = await cli.run(['template', 'list']);
    expect(list.code).toBe(0);
    expect(lines(list.stdout).map((l) => l.trim())).toEqual(['NAME', 'e2e-greeter']);

    const got = await cli.run(['template', 'get', 'e2e-greeter', '-o', 'json']);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout).spec.entrypoint).toBe('greet');
  });

  it('submit --from workflowtemplate/NAME runs it, with -p', async () => {
    const submitted = await cli.run([
      'submit',
      '--from',
      'workflowtemplate/e2e-greeter',
      '--wait',
      '-o',
      'name',
      '-p',
      'who=e2e',
    ]);
    expect(submitted.code).toBe(0);
    const name = submitted.stdout.trim();
    expect(name).toMatch(/^e2e-greeter-[a-z0-9]{5}$/);
    const wf = JSON.parse((await cli.run(['get', name, '-o', 'json'])).stdout);
    expect(wf.status.phase).toBe('Succeeded');
    expect(wf.spec.workflowTemplateRef).toEqual({ name: 'e2e-greeter' });
    const logs = await cli.run(['logs', name]);
    expect(logs.stdout).toContain('hi e2e');
  });

  it('delete removes it', async () => {
    const deleted = await cli.run(['template', 'delete', 'e2e-greeter']);
    expect(deleted.code).toBe(0);
    expect(lines(deleted.stdout)).toEqual(["WorkflowTemplate 'e2e-greeter' deleted"]);
    const gone = await cli.run(['template', 'get', 'e2e-greeter']);
    expect(gone.code).toBe(1);
    expect(lines(gone.stderr)).toEqual([expect.stringContaining('not found')]);
  });
});

describe('argo version', () => {
  it('--short prints one line: argo: vX.Y.Z', async () => {
    const r = await cli.run(['version', '--short']);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([expect.stringMatching(/^argo: v\d+\.\d+\.\d+/)]);
  });
});
