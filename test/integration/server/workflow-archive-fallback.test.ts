// The Argo Server's GetWorkflow with a uid, as upstream's v4 server answers it: a live workflow of
// that uid is returned; when the live one has another uid (a later run of the same name) or is
// gone, the archive is asked for that uid, and only when it has none is the answer NotFound.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../../src/model/workflow.js';
import { startTestServer, type TestServer } from './harness.js';

let s: TestServer;

const run = (uid: string, phase: 'Succeeded' | 'Failed', startedAt: string): Workflow => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name: 'again', namespace: 'default', uid, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'alpine' } }] },
  status: { phase, startedAt, finishedAt: startedAt },
});

beforeAll(async () => {
  s = await startTestServer({ engine: false, archive: true });
  // Two earlier runs of `again` archived; the live one is a third run with a uid of its own.
  await s.archive!.archiveWorkflow(run('uid-first', 'Failed', '2026-01-01T00:01:00Z'));
  await s.archive!.archiveWorkflow(run('uid-second', 'Succeeded', '2026-01-01T00:02:00Z'));
  const live = run('ignored', 'Succeeded', '2026-01-01T00:03:00Z');
  delete live.metadata.uid;
  await s.store.create('Workflow', live);
});
afterAll(() => s?.close());

describe('GET /api/v1/workflows/{namespace}/{name}?uid=', () => {
  it('answers with the live workflow when the uid is its own', async () => {
    const liveUid = (await s.fetch('GET', '/api/v1/workflows/default/again')).json.metadata.uid as string;
    expect(liveUid).not.toMatch(/^uid-/);
    const r = await s.fetch('GET', `/api/v1/workflows/default/again?uid=${liveUid}`);
    expect(r.status).toBe(200);
    expect(r.json.metadata.uid).toBe(liveUid);
    expect(r.json.metadata.labels?.['workflows.argoproj.io/workflow-archiving-status']).toBeUndefined();
  });

  it('answers with the archived run of that uid while a later run of the name lives', async () => {
    const r = await s.fetch('GET', '/api/v1/workflows/default/again?uid=uid-first');
    expect(r.status).toBe(200);
    expect(r.json.metadata.uid).toBe('uid-first');
    expect(r.json.status.phase).toBe('Failed');
    expect(r.json.metadata.labels['workflows.argoproj.io/workflow-archiving-status']).toBe('Persisted');
  });

  it('answers from the archive by uid once the live workflow is gone, and NotFound for a uid it lacks', async () => {
    await s.store.delete('Workflow', 'default', 'again');
    const first = await s.fetch('GET', '/api/v1/workflows/default/again?uid=uid-first');
    expect(first.json.metadata.uid).toBe('uid-first');
    // Without a uid, the latest archived run of the name.
    expect((await s.fetch('GET', '/api/v1/workflows/default/again')).json.metadata.uid).toBe('uid-second');
    const missing = await s.fetch('GET', '/api/v1/workflows/default/again?uid=no-such-uid');
    expect([missing.status, missing.json]).toEqual([
      404,
      { code: 5, message: 'workflows.argoproj.io "again" not found' },
    ]);
  });
});
