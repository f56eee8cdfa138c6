// securityContext.readOnlyRootFilesystem in the helper's plan: only a container with a root of its
// own (the overlay) can have it read-only; the op comes after the binds, which keep their mode.
import { describe, expect, it } from 'vitest';
import { launchCommand, type IsolationMode, type LaunchPlan } from '../../../src/executor/host/isolation.js';

const plan: LaunchPlan = {
  baseDir: '/pods/p',
  workDir: '/',
  binds: [{ source: 'volumes/scratch', target: '/scratch', readOnly: false }],
  argv: ['sh', '-c', 'true'],
  rootLayer: 'main.layer',
  readOnlyRoot: true,
};

describe('readOnlyRootFilesystem in the launch plan', () => {
  it('the helper with an overlay root makes the root read-only after binding the volumes', () => {
    const mode: IsolationMode = { kind: 'helper', file: '/h/argo-ns', user: false, overlay: true };
    const { args } = launchCommand(mode, plan);
    const ops = args.slice(3, args.indexOf('--'));
    expect(ops.slice(0, 3)).toEqual(['o', 'main.layer', '/']);
    expect(ops.slice(-6)).toEqual(['b', 'volumes/scratch', '/scratch', 'R', '-', '/']);
    expect(launchCommand(mode, { ...plan, readOnlyRoot: false }).args).not.toContain('R');
  });

  it('without an overlay root there is no root of its own to make read-only (the runtime logs that it is not honoured)', () => {
    const noOverlay: IsolationMode = { kind: 'helper', file: '/h/argo-ns', user: true, overlay: false };
    expect(launchCommand(noOverlay, { ...plan, rootLayer: undefined }).args).not.toContain('R');
  });
});
