// What the local engine keeps for a workflow outside the store, removed when the workflow is
// deleted (a cluster's pods take their logs with them, and its artifacts live in the user's own
// bucket; here both live under $ARGO_HOME): the log and working folders of every pod it ran, also
// of pods already collected, and its output artifacts in the embedded repository. An artifact
// whose artifactGC strategy says otherwise is left to it: Never keeps it, and the controller's
// artifact GC deletes OnWorkflowCompletion and OnWorkflowDeletion ones, recording that it did.
import { rm } from 'node:fs/promises';
import {
  isLocalLocation,
  LocalDirectoryRepository,
  localArtifactRoot,
  locateArtifact,
  locationKey,
} from '../../artifacts/index.js';
import { strategyOf } from '../../controller/artifact-gc.js';
import { podDir, podLogDir } from '../../executor/paths.js';
import type { Workflow } from '../../model/workflow.js';
import { podNameOf } from '../../workflow/pod-name.js';

export async function removeWorkflowLeftovers(home: string, wf: Workflow): Promise<void> {
  const ns = wf.metadata.namespace ?? '';
  const nodes = Object.values(wf.status?.nodes ?? {});
  for (const node of nodes) {
    if (node.type !== 'Pod') continue;
    const pod = podNameOf(wf, node);
    // Retried: a runtime may still be writing into a folder of a pod it let go of (ENOTEMPTY).
    for (const dir of [podLogDir(home, ns, pod), podDir(home, ns, pod)])
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
  const repository = new LocalDirectoryRepository(localArtifactRoot(home));
  for (const node of nodes) {
    for (const art of node.outputs?.artifacts ?? []) {
      if (art.deleted || strategyOf(wf, art) !== '') continue;
      const located = locateArtifact(wf, node.id, art);
      const key = locationKey(located);
      if (isLocalLocation(located) && key) await repository.delete(key);
    }
  }
}
