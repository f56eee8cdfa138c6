// Containers on the host runtime get a root of their own, as a container runtime gives them: an
// overlay over the host's `/` whose writes stay in the pod, the argo home hidden, and the user
// of securityContext.runAsUser/runAsGroup. Skipped where the machine cannot (not root, no overlayfs).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';
import { detectIsolation } from '../../../src/executor/host/isolation.js';
import { journalsDir, podDir } from '../../../src/executor/paths.js';
import { until } from '../../helpers/until.js';
import { NS, podFor, runPod, startHarness, taskResult, terminated, type Harness } from './harness.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'argo-overlay-'));
const mode = await detectIsolation(scratch, 'helper');
rmSync(scratch, { recursive: true, force: true });
const overlay = mode.kind === 'helper' && mode.overlay;
const why = 'needs root and overlayfs over / (the helper falls back to bind mounts without them)';

const shell = (script: string, extra: Partial<Template> = {}): Template => ({
  name: 't',
  container: { image: 'alpine:3.23', command: ['sh', '-c'], args: [script] },
  ...extra,
});

describe.skipIf(!overlay)(`host runtime private root (${overlay ? 'overlay' : why})`, () => {
  let h: Harness;
  // Outside /tmp (which every container has its own of), so only the hiding keeps it unseen.
  let home: string;
  beforeAll(async () => {
    home = mkdtempSync('/var/tmp/argo-home-');
    writeFileSync(path.join(home, 'argo.db'), 'secret');
    h = await startHarness({ isolation: 'helper', home });
  });
  afterAll(async () => {
    await h?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('lets a step write anywhere and keeps those writes off the host', async () => {
    const top = `/outer-${process.pid}`;
    const pod = await runPod(
      h,
      podFor(
        'anywhere',
        shell(`mkdir -p ${top} && printf inner > ${top}/inner && printf out > /mnt/out-${process.pid}`, {
          outputs: {
            parameters: [
              { name: 'inner', valueFrom: { path: `${top}/inner` } },
              { name: 'out', valueFrom: { path: `/mnt/out-${process.pid}` } },
            ],
          },
        }),
      ),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    const params = (await taskResult(h, pod))!.outputs!.parameters!;
    expect(params.map((p) => p.value)).toEqual(['inner', 'out']);
    expect(existsSync(top)).toBe(false);
    expect(existsSync(`/mnt/out-${process.pid}`)).toBe(false);
  });

  it('reads a file the image has (/etc/hosts) as an output parameter', async () => {
    const pod = await runPod(
      h,
      podFor(
        'hosts',
        shell('true', { outputs: { parameters: [{ name: 'h', valueFrom: { path: '/etc/hosts' } }] } }),
      ),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect((await taskResult(h, pod))!.outputs!.parameters![0].value).toBe(
      readFileSync('/etc/hosts', 'utf8').replace(/\n$/, ''),
    );
  });

  it('hides the argo home (the database) from the container', async () => {
    const db = path.join(home, 'argo.db');
    const pod = await runPod(
      h,
      podFor('nodb', shell(`if cat ${db}; then exit 3; fi; test ! -e ${db}`), { includeScriptOutput: true }),
    );
    expect(terminated(pod, 'main')?.exitCode).toBe(0);
  });

  it('runs the container as securityContext.runAsUser / runAsGroup, with a /tmp it can write', async () => {
    const tmpl = shell('echo "$(id -u) $(id -g)"; printf written > /tmp/by-user', {
      outputs: { parameters: [{ name: 'p', valueFrom: { path: '/tmp/by-user' } }] },
    });
    tmpl.container!.securityContext = { runAsUser: 1234, runAsGroup: 2345 };
    const pod = await runPod(h, podFor('runas', tmpl, { includeScriptOutput: true }));
    expect(pod.status?.phase).toBe('Succeeded');
    const outputs = (await taskResult(h, pod))!.outputs!;
    expect(outputs.result).toBe('1234 2345');
    expect(outputs.parameters![0].value).toBe('written');
  });

  it('leaves nothing of an ended pod on the host: its folder, its overlay and what it wrote there, its run record', async () => {
    const clean = await runPod(h, podFor('clean', shell('true')));
    const wrote = await runPod(
      h,
      podFor('wrote', shell(`mkdir -p /srv/x-${process.pid} && echo x > /srv/x-${process.pid}/f`)),
    );
    expect([clean.status?.phase, wrote.status?.phase]).toEqual(['Succeeded', 'Succeeded']);
    // Removed after the final status is written, so waited for.
    const paths = ['clean', 'wrote'].flatMap((name) => [
      podDir(home, NS, name),
      path.join(journalsDir(home), NS, name),
    ]);
    await until("the pods' folders and run records to go", 10_000, () =>
      paths.some((f) => existsSync(f)) ? undefined : true,
    );
  });
});
