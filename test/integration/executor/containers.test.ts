// What a container sees on the host: its command (image defaults, built-in test images), its
// environment, its volumes, its working directory; and containerSet sequencing.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Template } from '../../../src/model/template.js';
import { NS, podFor, runPod, startHarness, taskResult, terminated, type Harness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.store.create('ConfigMap', {
    metadata: { name: 'settings', namespace: NS },
    data: { colour: 'blue', 'file.txt': 'from a configmap\n' },
  });
  await h.store.create('Secret', {
    metadata: { name: 'creds', namespace: NS },
    data: { token: Buffer.from('s3cr3t').toString('base64') },
  });
});
afterAll(() => h.close());

async function result(name: string, tmpl: Template): Promise<string | undefined> {
  const pod = await runPod(h, podFor(name, tmpl, { includeScriptOutput: true }));
  expect(pod.status?.phase, JSON.stringify(pod.status)).toBe('Succeeded');
  return (await taskResult(h, pod))?.outputs?.result;
}

function log(pod: string, container = 'main'): string[] {
  return readFileSync(`${h.home}/logs/${NS}/${pod}/${container}.log`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(l.indexOf(' ') + 1));
}

describe('argosay stand-in (argoproj/argosay:v2)', () => {
  const argosay = (...args: string[]): Template => ({
    name: 'a',
    container: { image: 'argoproj/argosay:v2', args },
  });

  it('echoes hello argo by default, and writes a file when given one', async () => {
    const pod = await runPod(
      h,
      podFor(
        'say-default',
        { name: 'a', container: { image: 'argoproj/argosay:v2' } },
        { includeScriptOutput: true },
      ),
    );
    expect(pod.status?.phase).toBe('Succeeded');
    expect(log('say-default')).toEqual(['hello argo']);
    const tmpl = {
      ...argosay('echo', 'real-value', '/tmp/out.txt'),
      outputs: { parameters: [{ name: 'o', valueFrom: { path: '/tmp/out.txt' } }] },
    };
    const written = await runPod(h, podFor('say-file', tmpl));
    expect((await taskResult(h, written))?.outputs?.parameters?.[0].value).toBe('real-value');
  });

  it('cats, sleeps, asserts and exits with a code', async () => {
    expect(
      await result('say-cat', {
        ...argosay(),
        container: { image: 'argoproj/argosay:v2', command: ['/argosay'], args: ['cat', '/etc/hostname'] },
      }),
    ).toBe(readFileSync('/etc/hostname', 'utf8').replace(/\n$/, ''));
    const sleepy = await runPod(h, podFor('say-sleep', argosay('sleep', '0.2')));
    expect(sleepy.status?.phase).toBe('Succeeded');
    const exit = await runPod(h, podFor('say-exit', argosay('exit', '3')));
    expect(terminated(exit, 'main')?.exitCode).toBe(3);
    const ok = await runPod(
      h,
      podFor('say-assert', {
        name: 'a',
        container: {
          image: 'argoproj/argosay:v2',
          command: ['sh', '-c'],
          args: ['argosay echo "it works" /tmp/f && argosay assert_contains /tmp/f works'],
        },
      }),
    );
    expect(ok.status?.phase).toBe('Succeeded');
    const bad = await runPod(
      h,
      podFor('say-assert-bad', argosay('assert_contains', '/etc/hostname', 'no-such-text')),
    );
    // The image's assert_contains is grep -F: no match exits 1.
    expect(terminated(bad, 'main')?.exitCode).toBe(1);
  });

  it('stands in for whalesay and argosay:v1 with cowsay', async () => {
    const out = await result('cow', {
      name: 'c',
      container: { image: 'docker/whalesay', command: ['cowsay'], args: ['hello world'] },
    });
    expect(out?.split('\n').slice(0, 3)).toEqual([' _____________', '< hello world >', ' -------------']);
    // argosay:v1 without a command says hello, like the image's entrypoint.
    expect(await result('cow-v1', { name: 'c', container: { image: 'argoproj/argosay:v1' } })).toContain(
      '< hello argo >',
    );
  });

  it('runs the image default command when none is given, and args in its place when given', async () => {
    // busybox's CMD is sh, which reads an empty stdin and exits 0.
    expect(await result('busybox-default', { name: 'b', container: { image: 'busybox' } })).toBe('');
    // Args replace an image's CMD (busybox has no ENTRYPOINT), as in Docker and Kubernetes.
    expect(
      await result('busybox-args', {
        name: 'b',
        container: { image: 'busybox', args: ['echo', 'from args'] },
      }),
    ).toBe('from args');
  });
});

describe.runIf(existsSync('/usr/bin/python3') && !existsSync('/usr/bin/python'))(
  'python on a host with only python3',
  () => {
    it('runs `python` as python3', async () => {
      const saved = process.env.PATH;
      process.env.PATH = '/usr/bin:/bin';
      const py = await startHarness();
      process.env.PATH = saved;
      try {
        const tmpl: Template = {
          name: 'py',
          script: {
            image: 'python:alpine3.23',
            command: ['python'],
            source: 'import sys\nprint(sys.version_info[0])',
          },
        };
        const pod = await runPod(py, podFor('py3', tmpl, { includeScriptOutput: true }));
        expect((await taskResult(py, pod))?.outputs?.result).toBe('3');
      } finally {
        await py.close();
      }
    });
  },
);

describe('container environment', () => {
  it('resolves env from values, ConfigMaps, Secrets, envFrom and pod fields, with $(VAR) expansion', async () => {
    const tmpl: Template = {
      name: 'env',
      container: {
        image: 'alpine',
        command: ['sh', '-c'],
        args: ['echo "$COLOUR $TOKEN $CFG_colour $POD $NAMESPACE $IP $GREETING"; echo "$(GREETING)"'],
        env: [
          { name: 'COLOUR', valueFrom: { configMapKeyRef: { name: 'settings', key: 'colour' } } },
          { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token' } } },
          { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'GREETING', value: 'hi-$(COLOUR)' },
          { name: 'OPTIONAL', valueFrom: { configMapKeyRef: { name: 'missing', key: 'k', optional: true } } },
        ],
        envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'settings' } }],
      },
    };
    expect(await result('env', tmpl)).toBe('blue s3cr3t blue env argo 127.0.0.1 hi-blue\nhi-blue');
  });

  it('does not pass the host environment through', async () => {
    process.env.ARGO_TS_TEST_SECRET = 'leak';
    try {
      expect(
        await result('noleak', {
          name: 'n',
          container: { image: 'alpine', command: ['sh', '-c', 'echo "[${ARGO_TS_TEST_SECRET:-}]"'] },
        }),
      ).toBe('[]');
    } finally {
      delete process.env.ARGO_TS_TEST_SECRET;
    }
  });

  it('fails a pod whose ConfigMap is missing before starting it, as CreateContainerConfigError', async () => {
    const tmpl: Template = {
      name: 'cfg',
      container: {
        image: 'alpine',
        command: ['true'],
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }],
      },
    };
    const pod = await runPod(h, podFor('cfgerr', tmpl));
    expect(pod.status?.phase).toBe('Failed');
    expect(pod.status?.containerStatuses?.[0].state?.waiting).toEqual({
      reason: 'CreateContainerConfigError',
      message: 'configmap "nope" not found',
    });
  });
});

describe('volumes and working directory', () => {
  it('mounts ConfigMap and Secret volumes read-only, and a missing workingDir privately', async () => {
    const tmpl: Template = {
      name: 'vols',
      volumes: [
        { name: 'cfg', configMap: { name: 'settings' } },
        { name: 'sec', secret: { secretName: 'creds', items: [{ key: 'token', path: 'nested/token' }] } },
      ],
      container: {
        image: 'alpine',
        workingDir: '/src/app',
        command: ['sh', '-c'],
        args: [
          'cat /etc/config/file.txt; cat /etc/secret/nested/token; echo; pwd; touch /etc/config/x 2>/dev/null || echo read-only',
        ],
        volumeMounts: [
          { name: 'cfg', mountPath: '/etc/config' },
          { name: 'sec', mountPath: '/etc/secret' },
        ],
      },
    };
    expect(await result('vols', tmpl)).toBe('from a configmap\ns3cr3t\n/src/app\nread-only');
  });

  it('shares an emptyDir between containerSet containers that run in dependency order', async () => {
    const tmpl: Template = {
      name: 'set',
      volumes: [{ name: 'workspace', emptyDir: {} }],
      containerSet: {
        volumeMounts: [{ name: 'workspace', mountPath: '/workspace' }],
        containers: [
          { name: 'a', image: 'alpine', command: ['sh', '-c', 'sleep 0.2; echo a > /workspace/a'] },
          { name: 'b', image: 'alpine', command: ['sh', '-c', 'echo b > /workspace/b'] },
          {
            name: 'main',
            image: 'alpine',
            command: ['sh', '-c', 'cat /workspace/a /workspace/b'],
            dependencies: ['a', 'b'],
          },
        ],
      },
    };
    expect(await result('set', tmpl)).toBe('a\nb');
  });

  it('fails containerSet containers whose dependency failed, as the emissary does', async () => {
    const tmpl: Template = {
      name: 'set-fail',
      containerSet: {
        containers: [
          { name: 'a', image: 'alpine', command: ['sh', '-c', 'exit 1'] },
          { name: 'main', image: 'alpine', command: ['echo', 'never'], dependencies: ['a'] },
        ],
      },
    };
    const pod = await runPod(h, podFor('setfail', tmpl));
    expect(pod.status?.phase).toBe('Failed');
    expect(terminated(pod, 'a')?.exitCode).toBe(1);
    expect(terminated(pod, 'main')).toMatchObject({
      exitCode: 64,
      message: 'dependency "a" exited with non-zero code: 1',
    });
  });

  it('retries containerSet containers as retryStrategy says', async () => {
    const tmpl: Template = {
      name: 'set-retry',
      volumes: [{ name: 'w', emptyDir: {} }],
      containerSet: {
        retryStrategy: { retries: 3, duration: '10ms' },
        volumeMounts: [{ name: 'w', mountPath: '/w' }],
        // Fails twice, then succeeds: the attempts count in a file.
        containers: [
          {
            name: 'main',
            image: 'alpine',
            command: ['sh', '-c', 'echo x >> /w/n; [ $(wc -l < /w/n) -ge 3 ] && echo done'],
          },
        ],
      },
    };
    expect(await result('setretry', tmpl)).toBe('done');
  });

  it('adds hostAliases to /etc/hosts', async () => {
    const pod = podFor(
      'aliases',
      { name: 'h', container: { image: 'alpine', command: ['grep', 'argo-alias', '/etc/hosts'] } },
      { includeScriptOutput: true },
    );
    pod.spec.hostAliases = [{ ip: '10.1.2.3', hostnames: ['argo-alias'] }];
    const done = await runPod(h, pod);
    expect((await taskResult(h, done))?.outputs?.result).toBe('10.1.2.3\targo-alias');
    expect(readFileSync('/etc/hosts', 'utf8')).not.toContain('argo-alias');
  });
});
