// RFC 6902 JSON patch, for the Kubernetes API endpoint's application/json-patch+json. Returns a new value;
// the input is not modified. Errors name the operation that failed.
export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

export class JsonPatchError extends Error {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`"${pointer}" is not a JSON pointer`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

/** The parent of the pointer's target and the last token; containers on the way are copied. */
function parentOf(root: unknown, tokens: string[], pointer: string): { parent: Container; key: string } {
  let cur = root;
  for (const t of tokens.slice(0, -1)) {
    if (!isContainer(cur)) throw new JsonPatchError(`path "${pointer}" does not exist`);
    cur = Array.isArray(cur) ? cur[Number(t)] : cur[t];
  }
  if (!isContainer(cur)) throw new JsonPatchError(`path "${pointer}" does not exist`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

function arrayIndex(arr: unknown[], key: string, pointer: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(key)) throw new JsonPatchError(`"${key}" in "${pointer}" is not an array index`);
  const i = Number(key);
  if (i > arr.length || (!forAdd && i === arr.length))
    throw new JsonPatchError(`index ${i} in "${pointer}" is out of range`);
  return i;
}

function get(root: unknown, pointer: string): unknown {
  let cur = root;
  for (const t of parsePointer(pointer)) {
    if (!isContainer(cur)) throw new JsonPatchError(`path "${pointer}" does not exist`);
    const next = Array.isArray(cur) ? cur[Number(t)] : cur[t];
    if (next === undefined) throw new JsonPatchError(`path "${pointer}" does not exist`);
    cur = next;
  }
  return cur;
}

function add(root: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const { parent, key } = parentOf(root, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, true), 0, value);
  else parent[key] = value;
  return root;
}

function remove(root: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new JsonPatchError('cannot remove the whole document');
  const { parent, key } = parentOf(root, tokens, pointer);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, pointer, false), 1);
  else {
    if (!(key in parent)) throw new JsonPatchError(`path "${pointer}" does not exist`);
    delete parent[key];
  }
  return root;
}

export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new JsonPatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const [i, raw] of ops.entries()) {
    const op = raw as JsonPatchOp;
    try {
      switch (op.op) {
        case 'add':
          doc = add(doc, op.path, structuredClone(op.value));
          break;
        case 'remove':
          doc = remove(doc, op.path);
          break;
        case 'replace':
          if (op.path === '') {
            doc = structuredClone(op.value);
            break;
          }
          get(doc, op.path);
          doc = add(remove(doc, op.path), op.path, structuredClone(op.value));
          break;
        case 'move': {
          const value = get(doc, op.from ?? '');
          doc = add(remove(doc, op.from ?? ''), op.path, value);
          break;
        }
        case 'copy':
          doc = add(doc, op.path, structuredClone(get(doc, op.from ?? '')));
          break;
        case 'test':
          if (JSON.stringify(get(doc, op.path)) !== JSON.stringify(op.value))
            throw new JsonPatchError(`test failed: "${op.path}" is not ${JSON.stringify(op.value)}`);
          break;
        default:
          throw new JsonPatchError(`unknown op "${String((op as { op?: unknown }).op)}"`);
      }
    } catch (err) {
      if (err instanceof JsonPatchError) throw new JsonPatchError(`operation ${i}: ${err.message}`);
      throw err;
    }
  }
  return doc;
}
