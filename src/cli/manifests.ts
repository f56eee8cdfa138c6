// Manifests read by submit and the create commands. YAML that does not parse is reported with
// upstream's words for it ("yaml file is not valid"), which users grep for, then where and why.
import {
  ManifestError,
  type Around,
  readManifests,
  type ParsedManifest,
  type ParseOptions,
  type ReadOptions,
} from '../workflow/manifest/index.js';

export async function readCommandManifests(
  files: string[],
  opts: ReadOptions & ParseOptions & { parsing?: Around },
): Promise<ParsedManifest[]> {
  try {
    return await readManifests(files, opts);
  } catch (err) {
    if (err instanceof ManifestError) throw new Error(`yaml file is not valid: ${err.message}`);
    throw err;
  }
}
