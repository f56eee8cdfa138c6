// The folders a container costs the engine's thread before it starts. Under an overlay root the
// argo-ns helper makes the layer and the private /tmp itself (in the container's own process), so
// the engine makes none; without one the engine still makes the /tmp it binds. Clean-up knows
// every folder either made, children before parents.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ContainerFs } from '../../../src/executor/host/container-fs.js';
import { launchCommand, type IsolationMode } from '../../../src/executor/host/isolation.js';
import { MountPoints } from '../../../src/executor/host/mount-points.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'container-folders-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function containerFs(overlay: boolean): ContainerFs {
  return new ContainerFs({
    isolated: true,
    overlay,
    podDir: path.join(dir, 'pod'),
    container: 'main',
    mounts: [],
    privatePaths: [],
    mountPoints: new MountPoints(path.join(dir, 'mount-points.json')),
  });
}

const helper: IsolationMode = { kind: 'helper', file: '/h/argo-ns', user: false, overlay: true };

describe('a container’s folders', () => {
  it('under an overlay root: the engine makes none; the helper makes /tmp as it binds it', () => {
    const fs = containerFs(true);
    expect(fs.folders).toEqual([]);
    const tmp = fs.binds.find((b) => b.target === '/tmp');
    expect(tmp).toMatchObject({ source: 'main.tmp', make: true });
    const { args } = launchCommand(helper, {
      baseDir: path.join(dir, 'pod'),
      workDir: '/tmp',
      binds: fs.binds,
      argv: ['true'],
      rootLayer: fs.rootLayer,
    });
    const ops = args.slice(3, args.indexOf('--'));
    expect(ops.slice(0, 3)).toEqual(['o', 'main.layer', '/']);
    expect(ops.slice(-3)).toEqual(['t', 'main.tmp', '/tmp']);
    const pod = path.join(dir, 'pod');
    expect(fs.removable).toEqual([
      path.join(pod, 'main.tmp'),
      path.join(pod, 'main.layer', 'work', 'work'),
      path.join(pod, 'main.layer', 'work'),
      path.join(pod, 'main.layer', 'upper'),
      path.join(pod, 'main.layer'),
    ]);
  });

  it('without one: the engine makes the /tmp it binds, and only a helper is asked to make a source', () => {
    const fs = containerFs(false);
    expect(fs.folders).toEqual([path.join(dir, 'pod', 'main.tmp')]);
    const unshare: IsolationMode = {
      kind: 'unshare',
      file: '/usr/bin/unshare',
      mount: '/bin/mount',
      user: false,
    };
    const made = [{ source: 'main.tmp', target: '/tmp', readOnly: false, make: true }];
    const plan = { baseDir: dir, workDir: '/tmp', binds: made, argv: ['true'] };
    expect(launchCommand(unshare, plan).args).not.toContain('t');
    expect(launchCommand(unshare, plan).args).toContain('b');
    expect(launchCommand(helper, plan).args).toContain('t');
  });
});
