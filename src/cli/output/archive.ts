// `argo archive get`: like `argo get`, but compact JSON, an extra newline after YAML, and a short summary.
import type { Workflow } from '../../model/workflow.js';
import { humanizeRelativeDuration, humanizeTimestamp, isZeroTime } from '../../workflow/humanize.js';
import { toJson, toYaml } from './serialize.js';
import { execSpec, labelLine } from './workflow-status.js';

export type ArchiveGetOutput = '' | 'wide' | 'json' | 'yaml';

export function printArchivedWorkflow(
  wf: Workflow,
  options: { output?: ArchiveGetOutput; now: Date },
): string {
  switch (options.output ?? '') {
    case 'json':
      return `${toJson(wf, { type: 'Workflow', indent: undefined })}\n`;
    case 'yaml':
      return `${toYaml(wf, { type: 'Workflow' })}\n`;
    default: {
      const status = wf.status ?? {};
      let out = labelLine('Name:', wf.metadata.name ?? '');
      out += labelLine('Namespace:', wf.metadata.namespace ?? '');
      out += labelLine(
        'ServiceAccount:',
        execSpec(wf).serviceAccountName || 'unset (will run with the default ServiceAccount)',
      );
      out += labelLine('Status:', status.phase ?? '');
      if (status.message) out += labelLine('Message:', status.message);
      out += labelLine('Created:', humanizeTimestamp(wf.metadata.creationTimestamp, options.now));
      const started = !isZeroTime(status.startedAt);
      if (started) out += labelLine('Started:', humanizeTimestamp(status.startedAt, options.now));
      if (!isZeroTime(status.finishedAt)) {
        out += labelLine('Finished:', humanizeTimestamp(status.finishedAt, options.now));
      }
      if (started) {
        out += labelLine(
          'Duration:',
          humanizeRelativeDuration(status.startedAt, status.finishedAt, options.now),
        );
      }
      return out;
    }
  }
}
