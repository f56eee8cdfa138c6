// An Argo Server on a free port over a fresh embedded store, with the embedded engine running, and a
// small HTTP client that speaks to it as Argo's clients do. Also a validator for response bodies
// against the Argo Server's swagger.json.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Agent, request } from 'undici';
import { Engine } from '../../../src/client/local/engine.js';
import { LocalClient } from '../../../src/client/local/client.js';
import { versionInfo } from '../../../src/client/version.js';
import { parseAuthModes } from '../../../src/server/auth.js';
import type { ArtifactReader } from '../../../src/server/artifacts.js';
import { startServer, type RunningServer } from '../../../src/server/index.js';
import { selfSignedCertificate } from '../../../src/server/tls.js';
import { ensureServerToken } from '../../../src/server/token.js';
import { openSqliteStore, type SqliteStore } from '../../../src/store/index.js';
import { openConfiguredArchive } from '../../../src/persist/configured.js';
import type { SqlWorkflowArchive } from '../../../src/persist/workflow-archive.js';
import { readUpstreamJson } from '../../helpers/upstream.js';

export interface TestServerOptions {
  secure?: boolean;
  authModes?: string[];
  managedNamespace?: string;
  baseHref?: string;
  apiRateLimit?: number;
  artifacts?: ArtifactReader;
  accessControlAllowOrigin?: string;
  engine?: boolean;
  maxConcurrentLists?: number;
  uiDir?: string;
  /** Serve the home's archive (archive.db) and read offloaded nodes from it, as `argo server` does locally. */
  archive?: boolean;
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface TestServer {
  url: string;
  home: string;
  token: string;
  store: SqliteStore;
  /** With `archive`: the archive the server serves. */
  archive?: SqlWorkflowArchive;
  fetch(
    method: string,
    path: string,
    opts?: { body?: unknown; headers?: Record<string, string>; auth?: boolean },
  ): Promise<Response>;
  /** The `result`s of an event stream until `count` arrived or `timeoutMs` passed. */
  events(path: string, count: number, timeoutMs?: number): Promise<any[]>;
  close(): Promise<void>;
}

const insecure = new Agent({ connect: { rejectUnauthorized: false } });

export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'argo-server-test-'));
  const store = openSqliteStore({ path: path.join(home, 'argo.db'), pollIntervalMs: 50 });
  const backend = new LocalClient({ store, home, namespace: 'default', engine: 'none' });
  const engine = o.engine === false ? undefined : new Engine(store, home);
  const token = ensureServerToken(home);
  const secure = o.secure ?? false;
  const configured = o.archive ? await openConfiguredArchive({ store, namespace: 'argo', home }) : undefined;
  let server: RunningServer;
  try {
    server = await startServer(
      {
        backend,
        store,
        version: versionInfo,
        artifacts: o.artifacts,
        archive: configured?.archive,
        hydrator: configured?.hydrator,
      },
      {
        port: 0,
        host: '127.0.0.1',
        secure,
        tls: secure ? await selfSignedCertificate() : undefined,
        authModes: parseAuthModes(o.authModes ?? ['server']),
        token,
        managedNamespace: o.managedNamespace,
        baseHref: o.baseHref ?? '/',
        hsts: true,
        xFrameOptions: 'DENY',
        accessControlAllowOrigin: o.accessControlAllowOrigin,
        apiRateLimit: o.apiRateLimit ?? 0,
        metricsAuth: true,
        maxConcurrentLists: o.maxConcurrentLists,
        uiDir: o.uiDir,
      },
    );
  } catch (err) {
    await configured?.archive.close();
    await store.close();
    throw err;
  }
  if (engine) void engine.start();
  const url = `${secure ? 'https' : 'http'}://127.0.0.1:${server.port}`;
  const headersFor = (
    auth: boolean | undefined,
    extra: Record<string, string> = {},
  ): Record<string, string> => ({
    ...(auth ? { authorization: `Bearer ${token}` } : {}),
    ...extra,
  });
  return {
    url,
    home,
    token,
    store,
    archive: configured?.archive,
    async fetch(method, p, opts = {}) {
      const res = await request(`${url}${p}`, {
        method: method as 'GET',
        dispatcher: insecure,
        headers: headersFor(opts.auth, opts.headers),
        body:
          opts.body === undefined
            ? undefined
            : typeof opts.body === 'string'
              ? opts.body
              : JSON.stringify(opts.body),
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.statusCode, headers: res.headers, text, json };
    },
    async events(p, count, timeoutMs = 10_000) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      const out: any[] = [];
      try {
        const res = await request(`${url}${p}`, {
          dispatcher: insecure,
          headers: headersFor(true, { accept: 'text/event-stream' }),
          signal: controller.signal,
        });
        if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${await res.body.text()}`);
        let buf = '';
        for await (const chunk of res.body) {
          buf += chunk.toString();
          let i: number;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            for (const line of frame.split('\n')) {
              if (line.startsWith('data: ')) out.push(JSON.parse(line.slice(6)));
            }
            if (out.length >= count) {
              controller.abort();
              return out;
            }
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) throw err;
      } finally {
        clearTimeout(timer);
      }
      return out;
    },
    async close() {
      await server.close();
      await engine?.stop();
      await configured?.archive.close();
      await store.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

/** Problems of `value` against a swagger definition (e.g. `io.argoproj.workflow.v1alpha1.Workflow`). */
export function swaggerProblems(definition: string, value: unknown): string[] {
  if (!ajv) {
    const swagger = readUpstreamJson<{ definitions: unknown }>('api/swagger.json');
    ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
    ajv.addSchema({ $id: 'swagger.json', definitions: swagger.definitions });
  }
  let validate = compiled.get(definition);
  if (!validate) {
    validate = ajv.compile({ $ref: `swagger.json#/definitions/${definition}` });
    compiled.set(definition, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

export const WF = 'io.argoproj.workflow.v1alpha1.';
