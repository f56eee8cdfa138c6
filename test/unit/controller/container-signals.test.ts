import { describe, expect, it } from 'vitest';
import {
  ContainerTerminator,
  killCommand,
  podNeedsTermination,
} from '../../../src/controller/container-signals.js';
import type { ContainerStatus, Pod } from '../../../src/model/pod.js';
import type { Template } from '../../../src/model/template.js';
import { FakeClock } from '../../helpers/fake-clock.js';

const running = (name: string): ContainerStatus => ({
  name,
  ready: true,
  state: { running: { startedAt: 't' } },
});
const exited = (name: string, exitCode: number): ContainerStatus => ({
  name,
  ready: false,
  state: { terminated: { exitCode, startedAt: 't', finishedAt: 't' } },
});

function pod(statuses: ContainerStatus[], extra: Partial<Pod['spec']> = {}, annotations = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'u1', annotations },
    spec: {
      containers: [
        { name: 'wait', image: 'argoexec' },
        { name: 'main', image: 'x', volumeMounts: [{ name: 'var-run-argo', mountPath: '/var/run/argo' }] },
        { name: 'proxy', image: 'mesh' },
      ],
      ...extra,
    },
    status: { phase: 'Running', containerStatuses: statuses },
  };
}

const tmpl: Template = { name: 't', container: { image: 'x' }, sidecars: [{ name: 'proxy', image: 'mesh' }] };

describe('podNeedsTermination (which running pods have containers to end)', () => {
  it('once every main container has terminated, or one failed; never while main runs', () => {
    expect(podNeedsTermination(pod([running('wait'), running('main'), running('proxy')]), tmpl)).toBe(false);
    expect(podNeedsTermination(pod([running('wait'), exited('main', 0), running('proxy')]), tmpl)).toBe(true);
    expect(podNeedsTermination(pod([running('wait'), exited('main', 2), running('proxy')]), tmpl)).toBe(true);
  });

  it('containerSet: all of its containers are main; one failing is enough', () => {
    const set: Template = { name: 's', containerSet: { containers: [{ name: 'a' }, { name: 'b' }] } };
    const p = pod([running('a'), exited('b', 0)]);
    expect(podNeedsTermination(p, set)).toBe(false);
    expect(podNeedsTermination(pod([running('a'), exited('b', 1)]), set)).toBe(true);
    expect(podNeedsTermination(pod([exited('a', 0), exited('b', 0), running('wait')]), set)).toBe(true);
  });

  it('a pod that is not Running (pending, finished) or has no status yet is left alone', () => {
    const p = pod([exited('main', 0)]);
    p.status!.phase = 'Succeeded';
    expect(podNeedsTermination(p, tmpl)).toBe(false);
    expect(podNeedsTermination(pod([]), tmpl)).toBe(false);
  });
});

describe('killCommand (what is exec-ed to signal PID 1 of a container)', () => {
  it("argoexec for wait, the init container's copy where /var/run/argo is mounted, a shell's kill otherwise", () => {
    const p = pod([]);
    expect(killCommand(p, 'wait', 15)).toEqual(['argoexec', 'kill', '15', '1']);
    expect(killCommand(p, 'main', 9)).toEqual(['/var/run/argo/argoexec', 'kill', '9', '1']);
    expect(killCommand(p, 'proxy', 15)).toEqual(['/bin/sh', '-c', 'kill -15 1']);
  });

  it("the pod's kill-cmd annotation for the container wins; one that is not a list of strings is an error", () => {
    const p = pod(
      [],
      {},
      {
        'workflows.argoproj.io/kill-cmd-proxy':
          '["/usr/local/bin/pilot-agent", "request", "POST", "quitquitquit", "%d"]',
      },
    );
    expect(killCommand(p, 'proxy', 15)).toEqual([
      '/usr/local/bin/pilot-agent',
      'request',
      'POST',
      'quitquitquit',
      '15',
    ]);
    const bad = pod([], {}, { 'workflows.argoproj.io/kill-cmd-proxy': '{"not":"a list"}' });
    expect(() => killCommand(bad, 'proxy', 15)).toThrow(
      /kill command annotation of container proxy is not a list of strings/,
    );
  });
});

describe('ContainerTerminator', () => {
  function setup(p: Pod | undefined, failOn = new Set<string>()) {
    const clock = new FakeClock('2026-01-01T00:00:00Z');
    const calls: string[] = [];
    const logs: string[] = [];
    let current = p;
    const t = new ContainerTerminator({
      exec: async (ns, name, container, command) => {
        calls.push(`${ns}/${name}/${container}: ${command.join(' ')}`);
        if (failOn.has(container)) throw new Error('container not found');
      },
      getPod: () => current,
      timers: clock,
      log: (m) => logs.push(m),
    });
    const settle = () => new Promise<void>((r) => setImmediate(r));
    return { t, clock, calls, logs, settle, setPod: (next: Pod | undefined) => (current = next) };
  }

  it('SIGTERM to every running container but wait now, SIGKILL to those still running after the grace period; once per pod', async () => {
    const grace = { terminationGracePeriodSeconds: 5 };
    const s = setup(pod([running('wait'), exited('main', 0), running('proxy'), running('other')], grace));
    s.t.terminate('ns', 'p');
    s.t.terminate('ns', 'p');
    await s.settle();
    expect(s.calls).toEqual(['ns/p/proxy: /bin/sh -c kill -15 1', 'ns/p/other: /bin/sh -c kill -15 1']);
    // other ended on SIGTERM; the proxy ignores it.
    s.setPod(pod([running('wait'), exited('main', 0), running('proxy'), exited('other', 143)], grace));
    await s.clock.advanceTo('2026-01-01T00:00:04.999Z', s.settle);
    expect(s.calls).toHaveLength(2);
    await s.clock.advanceTo('2026-01-01T00:00:05Z', s.settle);
    expect(s.calls.slice(2)).toEqual(['ns/p/proxy: /bin/sh -c kill -9 1']);
  });

  it("without terminationGracePeriodSeconds the API server's 30 s; a failed exec is logged, not thrown", async () => {
    const s = setup(pod([exited('main', 0), running('proxy')]), new Set(['proxy']));
    s.t.terminate('ns', 'p');
    await s.settle();
    expect(s.logs).toEqual(['signaling container ns/p/proxy with 15: container not found']);
    expect(s.clock.nextTimer()?.toISOString()).toBe('2026-01-01T00:00:30.000Z');
  });

  it('a pod gone meanwhile is not signalled; stop() cancels the SIGKILLs to come', async () => {
    const s = setup(pod([exited('main', 0), running('proxy')]));
    s.t.terminate('ns', 'p');
    await s.settle();
    s.t.stop();
    expect(s.clock.nextTimer()).toBeUndefined();
    const gone = setup(undefined);
    gone.t.terminate('ns', 'p');
    await gone.settle();
    expect(gone.calls).toEqual([]);
  });
});
