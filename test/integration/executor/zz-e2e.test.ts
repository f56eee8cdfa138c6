import { test } from 'vitest';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
import { readFileSync, readdirSync, statSync, mkdtempSync } from 'node:fs';
import { WorkflowController } from '../../../src/controller/controller.js';
import { HostRuntime } from '../../../src/executor/index.js';
import type { Workflow } from '../../../src/model/workflow.js';
import { parseManifests } from '../../../src/workflow/manifest/index.js';
import { MemoryStore } from '../../helpers/memory-store.js';

const EX = process.env.EXDIR ?? '/work/shared/reference/examples/';
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) =>
    statSync(dir + f).isDirectory() ? files(dir + f + '/') : f.endsWith('.yaml') ? [dir + f] : [],
  );
}
async function run(file: string): Promise<string> {
  const ms = parseManifests(readFileSync(file, 'utf8'), file, { strict: false });
  const wfm = ms.find((m) => m.kind === 'Workflow');
  if (!wfm) return 'skip';
  const wf = wfm.raw as unknown as Workflow;
  if (wf.metadata?.labels?.['workflows.argoproj.io/no-test']) return 'skip';
  const store = new MemoryStore();
  for (const m of ms)
    if (m.kind === 'ConfigMap' || m.kind === 'WorkflowTemplate' || m.kind === 'Secret') {
      (m.raw as any).metadata.namespace ??= 'default';
      await store.create(m.kind as any, m.raw as any).catch(() => {});
    }
  const home = mkdtempSync('/tmp/e2e-');
  const rt = new HostRuntime(store, { home, gracePeriodSeconds: 2 });
  await rt.start();
  const c = new WorkflowController({ store });
  await c.start();
  wf.metadata.namespace = 'default';
  const created = await store.create<Workflow>('Workflow', wf);
  const t = Date.now();
  try {
    const final = await new Promise<Workflow>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout')), Number(process.env.TMO ?? 30000));
      store.watch<Workflow>('Workflow', { namespace: 'default' }, (ev) => {
        if (ev.object.metadata.name === created.metadata.name && ev.object.status?.finishedAt) {
          clearTimeout(timer);
          resolve(ev.object);
        }
      });
    });
    const bad = Object.values(final.status?.nodes ?? {})
      .filter((n) => n.type === 'Pod' && n.phase !== 'Succeeded')
      .map((n) => `${n.displayName}:${n.phase}(${n.message ?? ''})`);
    await new Promise((r) => setTimeout(r, 50));
    return (
      (require('node:fs').existsSync('/argo') ? 'LEAK ' : '') +
      `${final.status?.phase} ${Date.now() - t}ms ${final.status?.phase !== 'Succeeded' ? (final.status?.message ?? '') + ' ' + bad.join(' | ') : ''}`
    );
  } catch (e) {
    return 'ERR ' + (e as Error).message;
  } finally {
    await c.stop();
    await rt.stop();
  }
}
test('examples', async () => {
  const all = files(EX).filter((f) => !process.env.ONLY || f.includes(process.env.ONLY));
  const out: string[] = [];
  const queue = [...all];
  await Promise.all(
    [0, 1, 2, 3].map(async () => {
      while (queue.length) {
        const f = queue.shift()!;
        const r = await run(f).catch((e) => 'THROW ' + e.message);
        out.push(f.replace(EX, '') + ': ' + r);
      }
    }),
  );
  console.log(
    out
      .sort()
      .filter((l) => !l.endsWith(': skip'))
      .join('\n'),
  );
}, 1200000);
