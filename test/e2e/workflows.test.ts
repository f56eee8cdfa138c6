// Commands on stored workflows, as a process: list, get, logs, delete.
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, lines, useCli } from './cli.js';

const cli = useCli();
let name: string;
beforeAll(async () => {
  const r = await cli.run(['submit', fixture('succeed.yaml'), '--wait', '-o', 'name']);
  expect(r.code).toBe(0);
  name = r.stdout.trim();
});

describe('argo list', () => {
  it("prints Argo's columns and the workflow", async () => {
    const r = await cli.run(['list']);
    expect(r.code).toBe(0);
    const [header, row] = lines(r.stdout);
    expect(header.split(/\s+/).filter(Boolean)).toEqual([
      'NAME',
      'STATUS',
      'AGE',
      'DURATION',
      'PRIORITY',
      'MESSAGE',
    ]);
    expect(row.startsWith(`${name} `)).toBe(true);
    expect(row).toContain('Succeeded');
  });

  it('-o name prints names only', async () => {
    const r = await cli.run(['list', '-o', 'name']);
    expect(lines(r.stdout)).toEqual([name]);
  });
});

describe('argo get', () => {
  it('of an unknown workflow exits 1 with one stderr line saying not found', async () => {
    const r = await cli.run(['get', 'no-such-workflow']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('not found');
    expect(err[0]).toContain('no-such-workflow');
  });

  it('prints the tree with the phase', async () => {
    const r = await cli.run(['get', name]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Name:\\s+${name}$`, 'm'));
    expect(r.stdout).toMatch(/^Status:\s+Succeeded$/m);
  });
});

describe('argo logs', () => {
  it('prints each line as "pod: line"', async () => {
    const r = await cli.run(['logs', name]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(1);
    const [pod, text] = out[0].split(': ');
    expect(pod.startsWith(name)).toBe(true);
    expect(text).toBe('said default-word');
  });
});

describe('argo delete', () => {
  it("prints Workflow 'NAME' deleted and the workflow is gone, its archived record left", async () => {
    const r = await cli.run(['delete', name]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([`Workflow '${name}' deleted`]);
    // The local engine archived it on completion: get answers from the record, and says so.
    const archived = await cli.run(['get', name]);
    expect(archived.code, archived.stderr).toBe(0);
    const uid =
      /^Workflow \S+ was deleted after it was archived; this is its archived record \(argo archive get (\S+)\)$/m.exec(
        archived.stderr,
      )?.[1];
    expect(uid, archived.stderr).toBeDefined();
    expect((await cli.run(['archive', 'delete', uid!])).code).toBe(0);
    const got = await cli.run(['get', name]);
    expect(got.code).toBe(1);
    expect(got.stderr).toContain('not found');
  });
});
