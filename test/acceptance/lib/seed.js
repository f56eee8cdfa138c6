// The store every workflow starts from: the WorkflowTemplates of the folders created through the
// CLI (`argo template create`), and the kinds the CLI cannot create yet (ClusterWorkflowTemplates,
// ConfigMaps, Secrets, PersistentVolumeClaims) written with the store library. Each workflow then
// runs on its own copy of this store.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runNode } from './processes.js';

// The store, and the embedded synchronization database the database semaphore limits go to.
const DB_FILES = ['argo.db', 'argo.db-wal', 'argo.db-shm', 'sync.db', 'sync.db-wal', 'sync.db-shm'];

/**
 * Applies the setup documents to the store in `home`.
 * @returns {Promise<string[]>} one line per object that could not be applied
 */
export async function seedStore({ docs, home, scratch, repoRoot, env, namespace, timeoutMs }) {
  const problems = [];
  const byName = new Map();
  const unique = [];
  for (const doc of docs) {
    const id = `${doc.kind}/${doc.object?.metadata?.namespace ?? ''}/${doc.name}`;
    const first = byName.get(id);
    if (!first) {
      byName.set(id, doc);
      unique.push(doc);
    } else if (JSON.stringify(first.object) !== JSON.stringify(doc.object)) {
      problems.push(
        `SETUP ${doc.key}: ${doc.kind} ${doc.name} also defined differently in ${first.key}; keeping that one`,
      );
    }
  }

  const templates = unique.filter((d) => d.kind === 'WorkflowTemplate');
  let n = 0;
  for (const doc of templates) {
    let file = doc.file;
    if (!doc.wholeFile) {
      file = path.join(scratch, `template-${++n}-${path.basename(doc.file).replace(/\.json$/i, '.yaml')}`);
      writeFileSync(file, doc.text);
    }
    const r = await runNode([path.join(repoRoot, 'bin/argo.js'), 'template', 'create', file], {
      env: { ...env, ARGO_HOME: home },
      cwd: repoRoot,
      timeoutMs,
    });
    if (r.code !== 0)
      problems.push(`SETUP ${doc.key}: argo template create failed: ${firstLine(r.stderr || r.stdout)}`);
  }

  const direct = unique.filter((d) => d.kind !== 'WorkflowTemplate');
  if (direct.length) {
    const storeModule = path.join(repoRoot, 'dist/store/index.js');
    if (!existsSync(storeModule)) throw new Error(`${storeModule} is missing: run npm run build first`);
    const { openStore } = await import(pathToFileURL(storeModule).href);
    const store = openStore({ path: path.join(home, 'argo.db') });
    try {
      for (const doc of direct) {
        const obj = structuredClone(doc.object);
        obj.metadata ??= {};
        if (doc.kind !== 'ClusterWorkflowTemplate') obj.metadata.namespace ??= namespace;
        try {
          await store.create(doc.kind, obj);
        } catch (err) {
          problems.push(`SETUP ${doc.key}: ${doc.kind} ${doc.name}: ${err.message}`);
        }
      }
    } finally {
      await store.close();
    }
  }
  return problems;
}

/**
 * Creates the database semaphore limits a `KEY LIMIT` per line file lists (# starts a comment).
 * @returns {Promise<string[]>} one line per limit that could not be created
 */
export async function seedDatabaseSyncLimits({ file, home, repoRoot, env, namespace, timeoutMs }) {
  const problems = [];
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  for (const line of lines) {
    const [key, limit] = line.split(/\s+/);
    const r = await runNode(
      [
        path.join(repoRoot, 'bin/argo.js'),
        'sync',
        'create',
        key,
        '--type',
        'database',
        '--limit',
        limit,
        '-n',
        namespace,
      ],
      { env: { ...env, ARGO_HOME: home }, cwd: repoRoot, timeoutMs },
    );
    if (r.code !== 0)
      problems.push(`SETUP ${path.basename(file)}: ${key}: ${firstLine(r.stderr || r.stdout)}`);
  }
  return problems;
}

/** Gives `home` a copy of the seeded store (nothing holds it open, so the files are consistent). */
export function copyStore(seedHome, home) {
  for (const f of DB_FILES) {
    const from = path.join(seedHome, f);
    if (existsSync(from)) copyFileSync(from, path.join(home, f));
  }
}

export function firstLine(text) {
  const lines = String(text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines[0] ?? '';
}
