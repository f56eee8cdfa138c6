// The pure pieces behind the routes: upstream's `fields` cleaner, workflow list criteria and paging,
// grpc-gateway query parsing, error mapping, artifact path checks, and the http backend's option
// parsing and token choice.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { authorizationFor, isLoopback } from '../../../src/client/http/auth.js';
import { parseHeaderFlags, parseRequestTimeout } from '../../../src/client/http/transport.js';
import { ArtifactPathError, artifactPathSegments } from '../../../src/server/artifacts.js';
import { authenticate, parseAuthModes } from '../../../src/server/auth.js';
import { ApiError, Code, httpStatusOf, toApiError } from '../../../src/server/errors.js';
import { bool, int, listQuery, logQuery } from '../../../src/server/query.js';
import { RateLimiter } from '../../../src/server/rate-limit.js';
import { ensureServerToken } from '../../../src/server/token.js';
import { FieldCleaner, pruneEmpty } from '../../../src/server/wire.js';
import { compareForPage, pageOf, workflowListCriteria } from '../../../src/server/workflow-list.js';

describe('FieldCleaner', () => {
  const list = {
    metadata: { resourceVersion: '5', continue: '2' },
    items: [
      {
        metadata: { name: 'a', uid: '1', labels: { x: 'y' } },
        spec: { entrypoint: 'main' },
        status: { phase: 'Running', nodes: { n: {} } },
      },
      { metadata: { name: 'b', uid: '2' }, status: { phase: 'Succeeded' } },
    ],
  };

  it('keeps only listed paths and their ancestors, through arrays', () => {
    expect(new FieldCleaner('metadata,items.metadata.name,items.status.phase').clean(list)).toEqual({
      metadata: { resourceVersion: '5', continue: '2' },
      items: [
        { metadata: { name: 'a' }, status: { phase: 'Running' } },
        { metadata: { name: 'b' }, status: { phase: 'Succeeded' } },
      ],
    });
  });

  it('drops listed paths with a leading "-"', () => {
    const c = new FieldCleaner('-items.status.nodes,items.spec');
    const out = c.clean(list);
    expect(out.items[0]).toEqual({ metadata: list.items[0].metadata, status: { phase: 'Running' } });
    expect(list.items[0].status.nodes).toEqual({ n: {} });
  });

  it('tells which paths a response will leave out, and strips a prefix for watch events', () => {
    const c = new FieldCleaner('result.object.metadata.name,result.type').withoutPrefix('result.object.');
    expect(c.willExclude('status.nodes')).toBe(true);
    expect(c.willExclude('metadata')).toBe(false);
    expect(new FieldCleaner('-status.nodes').willExclude('status.nodes')).toBe(true);
    expect(new FieldCleaner('').willExclude('anything')).toBe(false);
    expect(new FieldCleaner(undefined).clean(list)).toBe(list);
  });
});

describe('pruneEmpty', () => {
  it('drops nulls and empty lists below the top level, keeps false, 0, "" and {}', () => {
    expect(
      pruneEmpty({ items: [], a: null, b: { c: [], d: false, e: 0, f: '', g: {}, h: [null, { i: null }] } }),
    ).toEqual({
      items: [],
      b: { d: false, e: 0, f: '', g: {}, h: [null, {}] },
    });
  });
});

const wf = (
  name: string,
  o: { created: string; started?: string; finished?: string; ns?: string },
): Workflow => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name, namespace: o.ns ?? 'default', creationTimestamp: o.created },
  spec: {},
  status: { startedAt: o.started, finishedAt: o.finished },
});

describe('workflow list criteria and pages', () => {
  const all = [
    wf('old-done', {
      created: '2024-01-01T00:00:00Z',
      started: '2024-01-01T00:00:01Z',
      finished: '2024-01-01T00:01:00Z',
    }),
    wf('new-done', {
      created: '2024-01-02T00:00:00Z',
      started: '2024-01-02T00:00:01Z',
      finished: '2024-01-02T00:01:00Z',
    }),
    wf('running', { created: '2024-01-03T00:00:00Z', started: '2024-01-03T00:00:01Z' }),
    wf('pending', { created: '2024-01-04T00:00:00Z' }),
    wf('elsewhere', { created: '2024-01-05T00:00:00Z', ns: 'other' }),
  ];

  it('pages by offset, newest started first, and orders a page running first', () => {
    const c = workflowListCriteria({ namespace: 'default', limit: 2 });
    const first = pageOf(all, c);
    expect(first.items.map((w) => w.metadata.name)).toEqual(['running', 'new-done']);
    expect(first.continue).toBe('2');
    const second = pageOf(all, workflowListCriteria({ namespace: 'default', limit: 2, continue: '2' }));
    expect(second.items.map((w) => w.metadata.name)).toEqual(['pending', 'old-done']);
    expect(second.continue).toBeUndefined();
    expect([...all].sort(compareForPage).map((w) => w.metadata.name)).toEqual([
      'elsewhere',
      'pending',
      'running',
      'new-done',
      'old-done',
    ]);
  });

  it('reads the field selectors upstream supports', () => {
    const names = (fieldSelector: string, extra: Record<string, string> = {}) =>
      pageOf(all, workflowListCriteria({ namespace: '', fieldSelector, ...extra }))
        .items.map((w) => w.metadata.name)
        .sort();
    expect(names('metadata.namespace=other')).toEqual(['elsewhere']);
    expect(names('metadata.namespace!=default')).toEqual(['elsewhere']);
    expect(names('metadata.name==running')).toEqual(['running']);
    expect(names('metadata.name!=running,metadata.namespace=default')).toEqual([
      'new-done',
      'old-done',
      'pending',
    ]);
    expect(names('metadata.name=done', { nameFilter: 'Contains' })).toEqual(['new-done', 'old-done']);
    expect(names('metadata.name=new', { nameFilter: 'Prefix' })).toEqual(['new-done']);
    expect(names('spec.startedAt>2024-01-02T00:00:00Z')).toEqual(['new-done', 'running']);
    expect(names('', { createdAfter: '2024-01-04T00:00:00Z' })).toEqual(['elsewhere', 'pending']);
    expect(names('', { finishedBefore: '2024-01-01T12:00:00Z' })).toEqual(['old-done']);
    const counted = pageOf(
      all,
      workflowListCriteria({
        namespace: 'default',
        fieldSelector: 'ext.showRemainingItemCount=true',
        limit: 1,
      }),
    );
    expect(counted.remainingItemCount).toBe(3);
  });

  it('refuses what upstream refuses', () => {
    expect(() => workflowListCriteria({ namespace: '', fieldSelector: 'status.phase=Running' })).toThrow(
      'unsupported requirement status.phase=Running',
    );
    expect(() => workflowListCriteria({ namespace: 'a', fieldSelector: 'metadata.namespace=b' })).toThrow(
      /contradict each other/,
    );
    expect(() => workflowListCriteria({ namespace: '', continue: '-1' })).toThrow(
      'listOptions.continue must >= 0',
    );
    expect(() => workflowListCriteria({ namespace: '', createdAfter: 'yesterday' })).toThrow(/cannot parse/);
  });
});

describe('query parameters', () => {
  it('parse as grpc-gateway parses them', () => {
    expect(bool({ f: 'True' }, 'f')).toBe(true);
    expect(bool({ f: '0' }, 'f')).toBe(false);
    expect(() => bool({ f: 'yes' }, 'f')).toThrow(
      'type mismatch, parameter: f, error: strconv.ParseBool: parsing "yes": invalid syntax',
    );
    expect(int({ n: ['1', '7'] }, 'n')).toBe(7);
    expect(() => int({ n: '1.5' }, 'n')).toThrow(/strconv.ParseInt/);
    expect(listQuery({ 'listOptions.limit': '0', 'listOptions.labelSelector': 'a=b' })).toMatchObject({
      limit: undefined,
      labelSelector: 'a=b',
    });
    expect(
      logQuery({
        'logOptions.sinceTime.seconds': '1700000000',
        'logOptions.sinceTime.nanos': '500000000',
        'logOptions.follow': 'true',
      }),
    ).toMatchObject({
      sinceTime: '2023-11-14T22:13:20.500Z',
      follow: true,
    });
  });
});

describe('errors', () => {
  it('map gRPC codes to HTTP statuses and carried HTTP statuses back to codes', () => {
    expect(
      [
        Code.NotFound,
        Code.AlreadyExists,
        Code.InvalidArgument,
        Code.Unauthenticated,
        Code.PermissionDenied,
        Code.Unimplemented,
        Code.Unknown,
      ].map(httpStatusOf),
    ).toEqual([404, 409, 400, 401, 403, 501, 500]);
    const notFound = Object.assign(new Error('x not found'), { status: 404 });
    expect(toApiError(notFound).toJSON()).toEqual({ code: 5, message: 'x not found' });
    const storeConflict = Object.assign(new Error('conflict'), { name: 'StoreError', code: 409 });
    expect(toApiError(storeConflict).code).toBe(Code.AlreadyExists);
    expect(toApiError(new Error('boom')).code).toBe(Code.Internal);
    expect(toApiError(new Error('boom'), Code.InvalidArgument).httpStatus).toBe(400);
    const kept = new ApiError(Code.Unknown, 'as is');
    expect(toApiError(kept)).toBe(kept);
  });
});

describe('artifact paths', () => {
  it('decode segments once and refuse anything that could leave the artifact', () => {
    expect(artifactPathSegments('/artifacts/ns/wf/node/my%20art?x=1', 1)).toEqual([
      'ns',
      'wf',
      'node',
      'my art',
    ]);
    for (const bad of [
      '/a/..',
      '/a/.',
      '/a/%2E%2e',
      '/a/x%2Fy',
      '/a/x%5Cy',
      '/a/%252e%252e',
      '/a/x%00',
      '/a/%E0%A4%A',
    ]) {
      expect(() => artifactPathSegments(bad, 1), bad).toThrow(ArtifactPathError);
    }
  });
});

describe('auth', () => {
  it('parses modes as upstream does and refuses sso clearly', () => {
    expect([...parseAuthModes(['hybrid'])].sort()).toEqual(['client', 'server']);
    expect(() => parseAuthModes(['bogus'])).toThrow('invalid mode');
    expect(() => parseAuthModes(['sso'])).toThrow(/not supported/);
  });

  it('picks the mode from the header as upstream does', () => {
    const both = parseAuthModes(['client', 'server']);
    expect(authenticate('', both, 't')).toBe('server');
    expect(authenticate('Bearer t', both, 't')).toBe('client');
    expect(() => authenticate('Bearer x', both, 't')).toThrow('Unauthorized');
    expect(() => authenticate('', parseAuthModes(['client']), 't')).toThrow(/token not valid/);
  });

  it('makes one token per ARGO_HOME and sends it only to this machine', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'argo-token-'));
    try {
      const token = ensureServerToken(home);
      expect(ensureServerToken(home)).toBe(token);
      const env = { ARGO_HOME: home };
      expect(authorizationFor('localhost:2746', env)).toBe(`Bearer ${token}`);
      expect(authorizationFor('127.0.0.1:2746', env)).toBe(`Bearer ${token}`);
      expect(authorizationFor('[::1]:2746', env)).toBe(`Bearer ${token}`);
      expect(authorizationFor('argo.example.com:2746', env)).toBeUndefined();
      expect(authorizationFor('argo.example.com:2746', { ...env, ARGO_TOKEN: 'Bearer given' })).toBe(
        'Bearer given',
      );
      expect(authorizationFor('argo.example.com:2746', env, 'flag-token')).toBe('Bearer flag-token');
      expect(isLoopback('https://localhost:1/x')).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('http backend options', () => {
  it('parses -H headers and --request-timeout', () => {
    expect(parseHeaderFlags(['X-A: 1', 'x-b:two:parts'])).toEqual({ 'x-a': '1', 'x-b': 'two:parts' });
    expect(() => parseHeaderFlags(['nocolon'])).toThrow(
      'additional headers must be colon(:)-separated: nocolon',
    );
    expect(parseRequestTimeout('0')).toBe(0);
    expect(parseRequestTimeout('30')).toBe(30_000);
    expect(parseRequestTimeout('1m30s')).toBe(90_000);
    expect(() => parseRequestTimeout('soon')).toThrow(/invalid timeout/);
  });
});

describe('rate limiter', () => {
  it('allows N per second per key', () => {
    let now = 0;
    const r = new RateLimiter(2, () => now);
    expect([r.take('a').allowed, r.take('a').allowed, r.take('a').allowed, r.take('b').allowed]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    now = 1000;
    expect(r.take('a').allowed).toBe(true);
  });
});
