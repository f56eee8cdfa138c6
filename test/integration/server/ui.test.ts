// The server's side of the web UI: the built files served under the base href without a token,
// index.html (with the base href written in) for the UI's own routes, hashed assets cached for good
// and gzipped for clients that take it, and API paths never answered with the page.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './harness.js';

const INDEX = `<!doctype html>
<html><head><base href="/" /><script type="module" src="./assets/app-1a2b.js"></script></head>
<body><div id="root"></div></body></html>
`;
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(2000))});\n`;

describe('the web UI as the server serves it', () => {
  let s: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'argo-ui-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), INDEX);
    writeFileSync(path.join(dir, 'assets', 'app-1a2b.js'), SCRIPT);
    s = await startTestServer({ uiDir: dir, baseHref: '/argo/', authModes: ['client'], engine: false });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the root and every client-side route with index.html under the base href, without a token', async () => {
    for (const route of [
      '/argo/',
      '/argo/workflows/default/hello',
      '/argo/cron-workflows/ns',
      '/workflows',
      '/argo/index.html',
    ]) {
      const r = await s.fetch('GET', route);
      expect(r.status, route).toBe(200);
      expect(r.headers['content-type'], route).toBe('text/html; charset=utf-8');
      expect(r.headers['content-security-policy'], route).toContain("default-src 'self'");
      expect(r.text, route).toContain('<base href="/argo/">');
      expect(r.text, route).toContain('./assets/app-1a2b.js');
    }
  });

  it('serves hashed assets cached for good, gzipped when the client accepts it', async () => {
    const plain = await s.fetch('GET', '/argo/assets/app-1a2b.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.text).toBe(SCRIPT);
    const res = await request(`${s.url}/argo/assets/app-1a2b.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.headers['content-encoding']).toBe('gzip');
    const body = Buffer.from(await res.body.arrayBuffer());
    expect(body.length).toBeLessThan(SCRIPT.length / 4);
    expect(gunzipSync(body).toString('utf8')).toBe(SCRIPT);
  });

  it('keeps API paths for the API: an unknown one is a JSON 404, a known one wants the token', async () => {
    const missing = await s.fetch('GET', '/argo/api/v1/no-such-thing');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 5, message: 'Not Found' });
    expect((await s.fetch('GET', '/argo/api/v1/workflows/default')).status).toBe(401);
    expect((await s.fetch('GET', '/argo/api/v1/workflows/default', { auth: true })).status).toBe(200);
  });
});

describe('a build without the web UI', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ uiDir: path.join(os.tmpdir(), 'argo-ui-not-built'), engine: false });
  });
  afterAll(() => s?.close());

  it('says at / that the UI is not built and where the API is', async () => {
    const r = await s.fetch('GET', '/');
    expect(r.status).toBe(200);
    expect(r.text).toContain('the web UI is not built');
    expect(r.text).toContain('href="api/v1/info"');
  });
});
