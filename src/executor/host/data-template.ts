// A data template's work, which upstream's argoexec does as the pod's main container: read the
// source (the keys an artifact location lists), run each transformation expression over it with
// the data bound to `data`, and hand the JSON of what is left back as the node's result.
import { relocate, type Repositories } from '../../artifacts/index.js';
import type { ArtifactLocation, Data } from '../../model/template.js';
import { evaluate } from '../../workflow/expr/index.js';

export async function processData(
  data: Data,
  repos: Repositories,
  archiveLocation: ArtifactLocation | undefined,
): Promise<string> {
  let value: unknown;
  const paths = data.source?.artifactPaths;
  if (!paths) throw new Error('unable to process data source: no valid source is used for data template');
  try {
    const { repository, key } = await repos.open(relocate(paths, archiveLocation), paths.name);
    value = await repository.list(key);
  } catch (err) {
    throw new Error(
      `unable to process data source: unable to source artifact paths: ${(err as Error).message}`,
    );
  }
  for (const [i, step] of (data.transformation ?? []).entries()) {
    if (!step.expression) continue;
    try {
      value = evaluate(step.expression, { data: value });
    } catch (err) {
      throw new Error(
        `unable to process data transformation: error processing data step ${i}: ${(err as Error).message}`,
      );
    }
  }
  return JSON.stringify(value ?? null);
}
