// Finds the manifests under the folders the acceptance run was given and sorts their documents
// into what is applied before the run (templates, config maps, secrets, claims) and the
// Workflows that are submitted, each under a stable key used by the expectations and the
// known-failures list.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const MANIFEST = /\.(ya?ml|json)$/i;

/** Kinds applied to the store before any workflow runs, as upstream's example test applies them. */
export const SETUP_KINDS = new Set([
  'WorkflowTemplate',
  'ClusterWorkflowTemplate',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
]);

/**
 * @typedef {object} ManifestDoc
 * @property {string} file      absolute path of the file it came from
 * @property {string} fileKey   the file as keys name it: relative to the parent of the folder given
 * @property {string} key       fileKey, plus `#N` when the file holds several Workflows
 * @property {string} kind
 * @property {string} name      metadata.name or metadata.generateName ('' when neither)
 * @property {Record<string, string>} labels
 * @property {any} object       the parsed document (undefined when the file did not parse)
 * @property {string} text      the document's own source text
 * @property {boolean} wholeFile whether `text` is the whole file (then the file itself is submitted)
 */

/** Every manifest file under the given files or folders, sorted, each with its key. */
export function findManifestFiles(roots) {
  const found = [];
  for (const root of roots) {
    const abs = path.resolve(root);
    const st = statSync(abs);
    const base = path.dirname(abs);
    if (st.isFile()) {
      found.push({ file: abs, fileKey: toKey(path.relative(base, abs)) });
      continue;
    }
    for (const file of walk(abs)) found.push({ file, fileKey: toKey(path.relative(base, file)) });
  }
  const seen = new Set();
  return found
    .filter((f) => !seen.has(f.file) && seen.add(f.file))
    .sort((a, b) => (a.fileKey < b.fileKey ? -1 : a.fileKey > b.fileKey ? 1 : 0));
}

function* walk(dir) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const isDir = e.isSymbolicLink()
      ? statSync(full, { throwIfNoEntry: false })?.isDirectory()
      : e.isDirectory();
    if (isDir) yield* walk(full);
    else if (MANIFEST.test(e.name)) yield full;
  }
}

function toKey(rel) {
  return rel.split(path.sep).join('/');
}

/**
 * The documents of one file. A file that does not parse comes back as one Workflow document
 * standing for the whole file, so that submitting it shows how the CLI reports the problem.
 */
export function readManifestDocs({ file, fileKey }) {
  const text = readFileSync(file, 'utf8');
  const docs = /\.json$/i.test(file) ? jsonDocs(text) : yamlDocs(text);
  if (!docs) return [unparsed(file, fileKey, text)];
  const nonEmpty = docs.filter((d) => d.object && typeof d.object === 'object');
  const workflows = nonEmpty.filter((d) => d.object.kind === 'Workflow').length;
  let n = 0;
  return nonEmpty.map((d) => {
    const meta = d.object.metadata ?? {};
    const isWorkflow = d.object.kind === 'Workflow';
    if (isWorkflow) n++;
    return {
      file,
      fileKey,
      key: isWorkflow && workflows > 1 ? `${fileKey}#${n}` : fileKey,
      kind: String(d.object.kind ?? ''),
      name: String(meta.name ?? meta.generateName ?? ''),
      labels: meta.labels && typeof meta.labels === 'object' ? meta.labels : {},
      object: d.object,
      text: d.text,
      wholeFile: nonEmpty.length === 1,
    };
  });
}

function yamlDocs(text) {
  const parsed = parseAllDocuments(text);
  // A stream of one empty document parses to an empty array-like; nothing to do then.
  const list = Array.isArray(parsed) ? parsed : [parsed];
  if (list.some((d) => d.errors?.length)) return undefined;
  try {
    return list.map((d) => ({ object: d.toJS(), text: text.slice(d.range[0], d.range[2]) }));
  } catch {
    return undefined;
  }
}

function jsonDocs(text) {
  try {
    const value = JSON.parse(text);
    return (Array.isArray(value) ? value : [value]).map((object) => ({
      object,
      text: JSON.stringify(object),
    }));
  } catch {
    return undefined;
  }
}

function unparsed(file, fileKey, text) {
  return {
    file,
    fileKey,
    key: fileKey,
    kind: 'Workflow',
    name: '',
    labels: {},
    object: undefined,
    text,
    wholeFile: true,
  };
}

/** Splits every document of the files into setup objects, workflows to submit, and the rest. */
export function collectManifests(files) {
  const setup = [];
  const workflows = [];
  const ignored = [];
  for (const f of files) {
    for (const doc of readManifestDocs(f)) {
      if (doc.kind === 'Workflow') workflows.push(doc);
      else if (SETUP_KINDS.has(doc.kind)) setup.push(doc);
      else ignored.push(doc);
    }
  }
  return { setup, workflows, ignored };
}
