// Names for completion, from whichever backend the environment selects; quiet on any failure.
import type { NameKind } from './complete.js';

export async function listNames(kind: NameKind): Promise<string[]> {
  const { createClient } = await import('../../client/index.js');
  const client = await createClient({ engine: 'none' });
  try {
    const ns = process.env.ARGO_NAMESPACE || client.namespace;
    switch (kind) {
      case 'workflow':
        return (await client.listWorkflows(ns)).items.map((w) => w.metadata.name ?? '');
      case 'workflowtemplate':
        return (await client.listWorkflowTemplates(ns)).items.map((w) => w.metadata.name ?? '');
      case 'clusterworkflowtemplate':
        return (await client.listClusterWorkflowTemplates()).items.map((w) => w.metadata.name ?? '');
      case 'cronworkflow':
        return (await client.listCronWorkflows(ns)).items.map((w) => w.metadata.name ?? '');
      default:
        return [];
    }
  } finally {
    await client.close();
  }
}
