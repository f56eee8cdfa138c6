// What a user can do to a workflow, as one table: the server route, when it applies, and whether it
// asks first. The details page and the list's bulk actions both read it.
import { del, put } from '../api/http';
import type { Workflow } from '../api/types';
import { isDone } from '../shared/phase';

export interface WorkflowAction {
  name: string;
  label: string;
  /** Asked before acting; every action that changes or ends a workflow asks. */
  confirm: string;
  applies: (wf: Workflow) => boolean;
  run: (namespace: string, name: string) => Promise<unknown>;
}

const running = (wf: Workflow): boolean => !isDone(wf.status?.phase);
const path = (namespace: string, name: string, verb: string): string =>
  `workflows/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${verb}`;

export const WORKFLOW_ACTIONS: WorkflowAction[] = [
  {
    name: 'retry',
    label: 'Retry',
    confirm: 'Retry this workflow from its failed nodes?',
    applies: (wf) => wf.status?.phase === 'Failed' || wf.status?.phase === 'Error',
    run: (ns, name) => put(path(ns, name, 'retry')),
  },
  {
    name: 'resubmit',
    label: 'Resubmit',
    confirm: 'Resubmit this workflow as a new one?',
    applies: () => true,
    run: (ns, name) => put(path(ns, name, 'resubmit')),
  },
  {
    name: 'suspend',
    label: 'Suspend',
    confirm: 'Suspend this workflow?',
    applies: (wf) => running(wf) && !wf.spec.suspend,
    run: (ns, name) => put(path(ns, name, 'suspend')),
  },
  {
    name: 'resume',
    label: 'Resume',
    confirm: 'Resume this workflow?',
    applies: (wf) => running(wf) && (wf.spec.suspend === true || hasSuspendedNode(wf)),
    run: (ns, name) => put(path(ns, name, 'resume')),
  },
  {
    name: 'stop',
    label: 'Stop',
    confirm: 'Stop this workflow (exit handlers still run)?',
    applies: running,
    run: (ns, name) => put(path(ns, name, 'stop')),
  },
  {
    name: 'terminate',
    label: 'Terminate',
    confirm: 'Terminate this workflow (no exit handlers)?',
    applies: running,
    run: (ns, name) => put(path(ns, name, 'terminate')),
  },
  {
    name: 'delete',
    label: 'Delete',
    confirm: 'Delete this workflow?',
    applies: () => true,
    run: (ns, name) => del(`workflows/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`),
  },
];

/** A suspend template waiting to be resumed. */
function hasSuspendedNode(wf: Workflow): boolean {
  return Object.values(wf.status?.nodes ?? {}).some((n) => n.type === 'Suspend' && n.phase === 'Running');
}
