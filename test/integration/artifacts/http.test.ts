// HTTP templates and HTTP input artifacts against a local HTTP server, data templates over the
// embedded repository, git inputs from a local repository, and the resource template's refusal.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node, param, startEngine, type Engine } from './engine.js';

let engine: Engine;
let server: Server;
let base: string;
const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const url = req.url ?? '';
      if (url === '/file') {
        if (req.headers.authorization !== `Basic ${Buffer.from('user:pass').toString('base64')}`) {
          res.writeHead(401).end();
          return;
        }
        res.writeHead(200).end('downloaded content');
      } else if (url === '/redirect') res.writeHead(302, { location: '/plain' }).end();
      else if (url === '/plain') res.writeHead(200).end('plain');
      else if (url === '/tool') res.writeHead(200).end('#!/bin/sh\necho "tool $1"\n');
      else if (url === '/api') {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ token: req.headers['x-token'], method: req.method, body }));
      } else if (url === '/slow') setTimeout(() => res.writeHead(200).end('late'), 3000);
      else if (url === '/teapot') res.writeHead(418).end('short and stout');
      else res.writeHead(404).end('not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = (name: string, data: Record<string, string>) => ({
    kind: 'Secret' as const,
    obj: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name },
      data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    },
  });
  engine = await startEngine([secret('creds', { user: 'user', pass: 'pass', token: 's3cr3t' })]);
});
afterAll(async () => {
  await engine.close();
  server.close();
});

describe('http input artifacts', () => {
  it('downloads with basic auth from Secrets, follows redirects, and skips an optional 404', async () => {
    const wf = await engine.run(`
metadata: {generateName: http-in-}
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      artifacts:
      - name: f
        path: /tmp/f
        http:
          url: ${base}/file
          headers: [{name: X-Extra, value: yes}]
          auth: {basicAuth: {usernameSecret: {name: creds, key: user}, passwordSecret: {name: creds, key: pass}}}
      - {name: r, path: /tmp/r, http: {url: "${base}/redirect"}}
      - {name: gone, path: /tmp/gone, optional: true, http: {url: "${base}/missing"}}
    container: {image: busybox, command: [sh, -c, "test ! -e /tmp/gone"]}
    outputs:
      parameters:
      - {name: f, valueFrom: {path: /tmp/f}}
      - {name: r, valueFrom: {path: /tmp/r}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const main = Object.values(wf.status!.nodes!)[0];
    expect(param(main, 'f')).toBe('downloaded content');
    expect(param(main, 'r')).toBe('plain');
    expect(seen.find((s) => s.url === '/file')?.headers['x-extra']).toBe('yes');
  });

  it('takes a workflow argument artifact into an input with a mode, as arguments-artifacts does', async () => {
    const wf = await engine.run(`
metadata: {generateName: args-art-}
spec:
  entrypoint: main
  arguments:
    artifacts: [{name: tool, http: {url: "${base}/tool"}}]
  templates:
  - name: main
    inputs:
      artifacts: [{name: tool, path: /tmp/bin/tool, mode: 493}]
    container: {image: busybox, command: [/tmp/bin/tool, version]}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const { readPodLogs } = await import('../../../src/executor/index.js');
    const pod = Object.values(wf.status!.nodes!)[0];
    const lines: string[] = [];
    for await (const l of readPodLogs(engine.home, 'argo', wf.metadata.name!, 'main', {}))
      lines.push(l.content);
    expect(pod.phase).toBe('Succeeded');
    expect(lines).toEqual(['tool version']);
  });

  it('fails the pod when a required download is not found', async () => {
    const wf = await engine.run(`
metadata: {generateName: http-missing-}
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      artifacts: [{name: f, path: /tmp/f, http: {url: "${base}/missing"}}]
    container: {image: busybox, command: [sh, -c, "true"]}
`);
    expect(wf.status?.phase).toBe('Error');
    expect(Object.values(wf.status!.nodes!)[0].message).toContain(
      `artifact f failed to load: artifact key "${base}/missing" not found`,
    );
  });
});

describe('http templates', () => {
  it('runs the request in the engine, passes Secret headers and the body, and gives the body as the result', async () => {
    const wf = await engine.run(`
metadata: {generateName: http-tmpl-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps:
    - - name: call
        template: call
    - - name: echo
        template: echo
        arguments: {parameters: [{name: got, value: "{{steps.call.outputs.result}}"}]}
  - name: call
    http:
      url: ${base}/api
      method: POST
      body: hello
      headers:
      - name: X-Token
        valueFrom: {secretKeyRef: {name: creds, key: token}}
      successCondition: response.statusCode == 200 && response.body contains "s3cr3t" && request.method == "POST"
  - name: echo
    inputs: {parameters: [{name: got}]}
    container: {image: busybox, command: [sh, -c, "echo '{{inputs.parameters.got}}' > /tmp/got"]}
    outputs: {parameters: [{name: got, valueFrom: {path: /tmp/got}}]}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const call = node(wf, 'call');
    expect(call.type).toBe('HTTP');
    expect(JSON.parse(call.outputs!.result!)).toEqual({ token: 's3cr3t', method: 'POST', body: 'hello' });
    expect(JSON.parse(param(node(wf, 'echo'), 'got')!)).toMatchObject({ token: 's3cr3t' });
  });

  it('fails on a non-2xx answer, a false successCondition and a timeout', async () => {
    const wf = await engine.run(`
metadata: {generateName: http-fail-}
spec:
  entrypoint: main
  templates:
  - name: main
    dag:
      tasks:
      - {name: teapot, template: teapot}
      - {name: cond, template: cond}
      - {name: slow, template: slow}
  - name: teapot
    http: {url: "${base}/teapot"}
  - name: cond
    http: {url: "${base}/plain", successCondition: 'response.body == "other"'}
  - name: slow
    http: {url: "${base}/slow", timeoutSeconds: 1}
`);
    expect(wf.status?.phase).toBe('Failed');
    expect(node(wf, 'teapot')).toMatchObject({
      phase: 'Failed',
      message: 'received non-2xx response code: 418',
    });
    expect(node(wf, 'teapot').outputs?.result).toBe('short and stout');
    expect(node(wf, 'cond').message).toBe(`successCondition 'response.body == "other"' evaluated false`);
    expect(node(wf, 'slow').message).toBe(`GET "${base}/slow": context deadline exceeded`);
  });
});

describe('data templates', () => {
  it('lists the repository and transforms the list with expressions', async () => {
    for (const key of ['logs/a/main.log', 'logs/b/main.log', 'logs/b/other.txt']) {
      const file = path.join(engine.home, 'artifacts', ...key.split('/'));
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, key);
    }
    const wf = await engine.run(`
metadata: {generateName: data-}
spec:
  entrypoint: main
  templates:
  - name: main
    data:
      source:
        artifactPaths: {name: logs, s3: {key: logs}}
      transformation:
      - expression: 'filter(data, {# endsWith "main.log"})'
      - expression: 'map(data, {# + ".ready"})'
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const main = Object.values(wf.status!.nodes!)[0];
    expect(main.type).toBe('Pod');
    expect(JSON.parse(main.outputs!.result!)).toEqual(['logs/a/main.log.ready', 'logs/b/main.log.ready']);
  });
});

describe('resource templates', () => {
  it('fail on the local engine saying they need Kubernetes', async () => {
    const wf = await engine.run(`
metadata: {generateName: resource-}
spec:
  entrypoint: main
  templates:
  - name: main
    resource: {action: create, manifest: "kind: ConfigMap"}
`);
    const main = Object.values(wf.status!.nodes!)[0];
    expect(main).toMatchObject({ type: 'Pod', phase: 'Error' });
    expect(main.message).toMatch(/^resource templates need Kubernetes/);
  });
});

describe('git input artifacts', () => {
  let repo: string;
  let gitAvailable = true;
  beforeAll(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'argo-git-src-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: repo,
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 't',
            GIT_AUTHOR_EMAIL: 't@t',
            GIT_COMMITTER_NAME: 't',
            GIT_COMMITTER_EMAIL: 't@t',
          },
        })
          .toString()
          .trim();
      git('init', '-q', '-b', 'main');
      writeFileSync(path.join(repo, 'version.txt'), 'v1');
      git('add', '.');
      git('commit', '-qm', 'one');
      writeFileSync(path.join(repo, 'version.txt'), 'v2');
      git('commit', '-qam', 'two');
      git('tag', 'v2');
    } catch {
      gitAvailable = false;
    }
  });
  afterAll(() => rmSync(repo, { recursive: true, force: true }));

  it('clones the repository at the revision into the path', async (ctx) => {
    if (!gitAvailable) ctx.skip();
    const wf = await engine.run(`
metadata: {generateName: git-}
spec:
  entrypoint: main
  templates:
  - name: main
    inputs:
      artifacts:
      - {name: src, path: /src, git: {repo: "file://${repo}", revision: "HEAD~1"}}
      - {name: tip, path: /tmp/tip, git: {repo: "file://${repo}", depth: 1}}
    container: {image: busybox, command: [sh, -c, "true"]}
    outputs:
      parameters:
      - {name: old, valueFrom: {path: /src/version.txt}}
      - {name: tip, valueFrom: {path: /tmp/tip/version.txt}}
`);
    expect(wf.status?.phase).toBe('Succeeded');
    const main = Object.values(wf.status!.nodes!)[0];
    expect(param(main, 'old')).toBe('v1');
    expect(param(main, 'tip')).toBe('v2');
  });
});
