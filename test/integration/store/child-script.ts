// The program the multi-process tests run in child processes, against the transpiled store.
// Kept as a string so it can be written next to the compiled code it imports.
export const CHILD_SCRIPT = String.raw`
import { openSqliteStore, acquireLease, ConflictError, AlreadyExistsError } from './dist/store/index.js';

const [mode, dbPath, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson ?? '{}');
const store = openSqliteStore({ path: dbPath, pollIntervalMs: 20 });
const sleepUntil = async (t) => { while (Date.now() < t) await new Promise((r) => setTimeout(r, 1)); };

if (mode === 'increment') {
  // Several async workers per process, so conflicts happen within and across processes.
  let conflicts = 0;
  let next = 0;
  const worker = async () => {
    while (next < args.ops) {
      const i = next++;
      const name = 'counter-' + (i % args.objects);
      try {
        await store.create('ConfigMap', { metadata: { name, namespace: 'argo' }, data: { count: '0' } });
      } catch (err) {
        if (!(err instanceof AlreadyExistsError)) throw err;
      }
      while (true) {
        const cm = await store.get('ConfigMap', 'argo', name);
        await new Promise((r) => setImmediate(r));
        try {
          await store.update('ConfigMap', { ...cm, data: { count: String(Number(cm.data.count) + 1) } });
          break;
        } catch (err) {
          if (!(err instanceof ConflictError)) throw err;
          conflicts++;
        }
      }
    }
  };
  await sleepUntil(args.startAt);
  await Promise.all(Array.from({ length: args.workers }, worker));
  console.log(JSON.stringify({ conflicts }));
  await store.close();
} else if (mode === 'write') {
  for (let i = 0; i < args.count; i++) {
    await store.create('Workflow', { metadata: { name: 'child-' + i, namespace: 'argo' } });
  }
  await store.patch('Workflow', 'argo', 'child-0', { status: { phase: 'Succeeded' } });
  await store.close();
} else if (mode === 'watch-and-leave') {
  // Neither stop() nor close(): the process must still exit once its work is done.
  store.watch('Workflow', {}, () => {});
  await store.create('Workflow', { metadata: { generateName: 'x-', namespace: 'argo' } });
  console.log('done');
} else if (mode === 'lease') {
  await sleepUntil(args.startAt);
  const won = await acquireLease(store, { name: args.name, holder: args.holder, durationSeconds: 30 });
  console.log(JSON.stringify({ won }));
  await store.close();
}
`;
