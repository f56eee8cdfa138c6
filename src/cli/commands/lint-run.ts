// `argo lint` / `argo template lint`: every problem, one line each, naming file and object; exit 1 on any.
import type { Command } from 'commander';
import type { ArgoClient } from '../../client/types.js';
import type { ClusterWorkflowTemplate, WorkflowTemplate } from '../../model/workflow.js';
import {
  ManifestError,
  parseManifests,
  readManifestFiles,
  type ParsedManifest,
} from '../../workflow/manifest/index.js';
import {
  formatLintResults,
  lintManifests,
  lintSucceeded,
  offlineTemplateGetter,
  parseLintKinds,
  type LintFileResult,
  type TemplateGetter,
} from '../../workflow/validate/index.js';
import { ExitError, namespaceOf, out, withClient } from '../context.js';
import { colorEnabled } from '../output/colors.js';
import { stdoutIsTTY } from '../stdout.js';

export interface LintFlags {
  kinds?: string[];
  noColor?: boolean;
  offline?: boolean;
  output: string;
  strict: boolean;
}

/** A getter over the templates the backend has, fetched once. */
async function backendGetter(client: ArgoClient, namespace: string): Promise<TemplateGetter> {
  const wfts = new Map<string, WorkflowTemplate>();
  const cwfts = new Map<string, ClusterWorkflowTemplate>();
  for (const t of (await client.listWorkflowTemplates(namespace)).items) wfts.set(t.metadata.name ?? '', t);
  for (const t of (await client.listClusterWorkflowTemplates()).items) cwfts.set(t.metadata.name ?? '', t);
  return {
    getTemplate(kind, name) {
      const found = kind === 'ClusterWorkflowTemplate' ? cwfts.get(name) : wfts.get(name);
      if (!found) {
        throw new Error(
          kind === 'ClusterWorkflowTemplate'
            ? `clusterworkflowtemplates.argoproj.io "${name}" not found`
            : `workflowtemplates.argoproj.io "${name}" not found`,
        );
      }
      return found;
    },
  };
}

export async function runLint(cmd: Command, files: string[], o: LintFlags): Promise<void> {
  if (o.output !== 'pretty' && o.output !== 'simple') {
    throw new Error(`unknown output format: ${o.output}`);
  }
  const kinds = parseLintKinds(o.kinds ?? ['all']);
  const sources = await readManifestFiles(files, { extensionFilter: 'all' });
  const results: LintFileResult[] = [];
  const parsed: { source: string; manifests: ParsedManifest[] }[] = [];
  for (const s of sources) {
    try {
      parsed.push({ source: s.source, manifests: parseManifests(s.text, s.source, { strict: o.strict }) });
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      results.push({ file: s.source, errors: [`yaml: line ${err.line}: ${err.reason}`], linted: true });
    }
  }
  const lintAll = (getter: (ns: string) => TemplateGetter, defaultNamespace: string): void => {
    for (const p of parsed)
      results.push(lintManifests(p.source, p.manifests, { kinds, getter, defaultNamespace }));
  };
  if (o.offline) {
    lintAll(offlineTemplateGetter(parsed.flatMap((p) => p.manifests)), '');
  } else {
    await withClient(
      cmd,
      async (client, g) => {
        const ns = namespaceOf(client, g);
        const getter = await backendGetter(client, ns);
        lintAll(() => getter, ns);
      },
      { engine: 'none' },
    );
  }
  const noColor = !colorEnabled({ noColor: o.noColor === true, isTTY: stdoutIsTTY() });
  await out(formatLintResults(results, { output: o.output, noColor }));
  if (!lintSucceeded(results)) throw new ExitError(1);
}
