// Node ids are derived from node names so that every component computes the same id for the same node.
import { fnv32a } from './fnv.js';

/** The id of the node called `nodeName` in workflow `workflowName`: the root node's id is the workflow name. */
export function nodeId(workflowName: string, nodeName: string): string {
  if (nodeName === workflowName) return workflowName;
  return `${workflowName}-${fnv32a(nodeName)}`;
}
