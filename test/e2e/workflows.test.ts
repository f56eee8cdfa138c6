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

describe('argo wait and argo watch of workflows deleted after they were archived', () => {
  /** A workflow run to its end, then deleted: only its archived record is left. */
  async function archivedAndDeleted(file: string): Promise<string> {
    const r = await cli.run(['submit', fixture(file), '--wait', '-o', 'name']);
    const gone = r.stdout.trim();
    expect(gone, r.stderr).toMatch(/^e2e-/);
    expect((await cli.run(['delete', gone])).code).toBe(0);
    return gone;
  }
  const note = (n: string): RegExp =>
    new RegExp(
      `^Workflow ${n} was deleted after it was archived; this is its archived record \\(argo archive get [0-9a-f-]{36}\\)$`,
      'm',
    );

  it('wait answers from the record: its phase line, exit 0 for Succeeded and 1 for Failed', async () => {
    const ok = await archivedAndDeleted('succeed.yaml');
    const failed = await archivedAndDeleted('fail.yaml');
    const w = await cli.run(['wait', ok]);
    expect(w.code, w.stderr).toBe(0);
    expect(lines(w.stdout)).toEqual([
      expect.stringMatching(
        new RegExp(`^${ok} Succeeded at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 UTC$`),
      ),
    ]);
    expect(w.stderr).toMatch(note(ok));
    const f = await cli.run(['wait', failed]);
    expect(f.code).toBe(1);
    expect(lines(f.stdout)).toEqual([expect.stringMatching(new RegExp(`^${failed} Failed at `))]);
    // Several at once: each answered, from the record or the live workflow alike.
    const both = await cli.run(['wait', ok, failed]);
    expect(both.code).toBe(1);
    expect(lines(both.stdout).sort()).toEqual([
      expect.stringMatching(new RegExp(`^${failed} Failed at `)),
      expect.stringMatching(new RegExp(`^${ok} Succeeded at `)),
    ]);
  }, 60_000);

  it('watch prints the final state from the record and exits', async () => {
    const ok = await archivedAndDeleted('succeed.yaml');
    const r = await cli.run(['watch', ok]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Name:\\s+${ok}$`, 'm'));
    expect(r.stdout).toMatch(/^Status:\s+Succeeded$/m);
    // The record holds the whole workflow: its node tree is drawn as for a live one.
    expect(r.stdout).toMatch(new RegExp(`^ ✔ ${ok}\\s`, 'm'));
    expect(r.stderr).toMatch(note(ok));
  }, 60_000);
});
