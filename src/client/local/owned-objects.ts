// The local engine has no garbage collector, so deleting a workflow deletes here what Kubernetes'
// collector would: the objects whose ownerReferences name it. Only its resource steps create such
// objects (setOwnerReference, or an ownerReference written in the manifest), so a workflow that has
// none skips the search, which lists every namespaced kind of its namespace.
import type { KubeObject } from '../../model/meta.js';
import type { Workflow } from '../../model/workflow.js';
import {
  CLUSTER_SCOPED,
  KIND_TABLE,
  StoreError,
  type ResourceKind,
  type ResourceStore,
} from '../../store/types.js';

/** Kinds the local delete already removes by the workflow's label (with their folders). */
const COLLECTED_BY_LABEL: ReadonlySet<ResourceKind> = new Set([
  'Pod',
  'WorkflowTaskResult',
  'PersistentVolumeClaim',
]);

export function mayOwnObjects(wf: Workflow): boolean {
  const templates = [...(wf.spec?.templates ?? []), ...Object.values(wf.status?.storedTemplates ?? {})];
  return templates.some((t) => t.resource !== undefined);
}

/**
 * Deletes the namespace's objects owned by the workflow; Workflows among them are handed to
 * `collectWorkflow` after their delete, so their own pods and owned objects go too.
 */
export async function deleteOwnedObjects(
  store: ResourceStore,
  wf: Workflow,
  collectWorkflow: (child: Workflow) => Promise<void>,
): Promise<void> {
  const uid = wf.metadata.uid;
  if (!uid || !mayOwnObjects(wf)) return;
  const namespace = wf.metadata.namespace ?? '';
  const kinds = (Object.keys(KIND_TABLE) as ResourceKind[]).filter(
    (k) => !CLUSTER_SCOPED.has(k) && !COLLECTED_BY_LABEL.has(k),
  );
  for (const kind of kinds) {
    const { items } = await store.list<KubeObject>(kind, { namespace });
    for (const obj of items) {
      if (!obj.metadata.ownerReferences?.some((r) => r.uid === uid)) continue;
      try {
        await store.delete(kind, namespace, obj.metadata.name ?? '');
      } catch (err) {
        if (err instanceof StoreError && err.code === 404) continue;
        throw err;
      }
      if (kind === 'Workflow') await collectWorkflow(obj as Workflow);
    }
  }
}
