// `argo convert`: each document of each file, upgraded and printed as YAML (`---` before each) or
// compact JSON lines, laid out as the Go CLI marshals the typed objects.
import { readManifestFiles } from '../../workflow/manifest/index.js';
import { lenientDocuments } from '../../workflow/manifest/yaml-values.js';
import { convertManifest, isConvertedKind } from '../convert/legacy.js';
import { out } from '../context.js';
import { toJson, toYaml } from '../output/serialize.js';

function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
}

/** Go marshals a generic map with its keys sorted. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

/** One document in the requested format. */
export function printConverted(doc: unknown, format: 'yaml' | 'json'): string {
  const converted = convertManifest(doc);
  const kind = (converted as { kind?: unknown } | null)?.kind;
  if (!isConvertedKind(kind)) {
    const generic = sortKeys(converted);
    return format === 'json' ? `${toJson(generic, { indent: undefined })}\n` : `---\n${toYaml(generic)}`;
  }
  return format === 'json'
    ? `${toJson(converted, { type: kind, indent: undefined })}\n`
    : `---\n${toYaml(converted, { type: kind })}`;
}

export async function convertText(text: string, format: 'yaml' | 'json'): Promise<string> {
  // A JSON file is one document; YAML is split on `---` lines.
  const docs = looksLikeJson(text)
    ? [JSON.parse(text) as unknown]
    : text
        .split(/\n---/)
        .map((d) => d.trim())
        .filter((d) => d !== '')
        .flatMap((d) => lenientDocuments(d));
  return docs
    .filter((d) => d !== null && d !== undefined)
    .map((d) => printConverted(d, format))
    .join('');
}

export async function runConvert(files: string[], format: 'yaml' | 'json'): Promise<void> {
  for (const source of await readManifestFiles(files)) {
    let text: string;
    try {
      text = await convertText(source.text, format);
    } catch (err) {
      throw new Error(`error converting ${source.source}: ${(err as Error).message}`);
    }
    await out(text);
  }
}
