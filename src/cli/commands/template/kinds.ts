// What differs between `argo template` and `argo cluster-template`: the kind, how it is named in
// messages, which client calls serve it and how it prints. Everything else is shared (see run.ts).
import type { ArgoClient, ListResponse } from '../../../client/types.js';
import type { ClusterWorkflowTemplate, WorkflowTemplate } from '../../../model/workflow.js';
import { printClusterTemplateList, printTemplateList, type TemplateListOutput } from '../../output/list.js';
import {
  printClusterWorkflowTemplate,
  printWorkflowTemplate,
  type TemplateGetOutput,
} from '../../output/template.js';

type AnyTemplate = WorkflowTemplate | ClusterWorkflowTemplate;

export interface TemplateKind {
  kind: 'WorkflowTemplate' | 'ClusterWorkflowTemplate';
  /** How upstream's messages name it: "workflow template" or "cluster workflow template". */
  noun: string;
  namespaced: boolean;
  /** `argo lint --kinds` value. */
  lintKind: string;
  create(client: ArgoClient, ns: string, t: AnyTemplate): Promise<AnyTemplate>;
  get(client: ArgoClient, ns: string, name: string): Promise<AnyTemplate>;
  list(client: ArgoClient, ns: string, labelSelector?: string): Promise<ListResponse<AnyTemplate>>;
  update(client: ArgoClient, ns: string, t: AnyTemplate): Promise<AnyTemplate>;
  delete(client: ArgoClient, ns: string, name: string): Promise<void>;
  print(t: AnyTemplate, output: TemplateGetOutput, now: Date): string;
  printList(items: AnyTemplate[], output: TemplateListOutput, allNamespaces: boolean): string;
  /** Upstream words a failed create/update of a cluster template with its name. */
  failure(verb: 'create' | 'update', name: string, err: Error): string;
}

export const WORKFLOW_TEMPLATE: TemplateKind = {
  kind: 'WorkflowTemplate',
  noun: 'workflow template',
  namespaced: true,
  lintKind: 'workflowtemplates',
  create: (c, ns, t) => c.createWorkflowTemplate(ns, t),
  get: (c, ns, name) => c.getWorkflowTemplate(ns, name),
  list: (c, ns, labelSelector) => c.listWorkflowTemplates(ns, { labelSelector }),
  update: (c, ns, t) => c.updateWorkflowTemplate(ns, t),
  delete: (c, ns, name) => c.deleteWorkflowTemplate(ns, name),
  print: (t, output, now) => printWorkflowTemplate(t, { output, now }),
  printList: (items, output, allNamespaces) => printTemplateList(items, { output, allNamespaces }),
  failure: (verb, _name, err) => `failed to ${verb} workflow template: ${err.message}`,
};

export const CLUSTER_WORKFLOW_TEMPLATE: TemplateKind = {
  kind: 'ClusterWorkflowTemplate',
  noun: 'cluster workflow template',
  namespaced: false,
  lintKind: 'clusterworkflowtemplates',
  create: (c, _ns, t) => c.createClusterWorkflowTemplate(t),
  get: (c, _ns, name) => c.getClusterWorkflowTemplate(name),
  list: (c, _ns, labelSelector) => c.listClusterWorkflowTemplates({ labelSelector }),
  update: (c, _ns, t) => c.updateClusterWorkflowTemplate(t),
  delete: (c, _ns, name) => c.deleteClusterWorkflowTemplate(name),
  print: (t, output, now) => printClusterWorkflowTemplate(t, { output, now }),
  printList: (items, output) => printClusterTemplateList(items, { output }),
  failure: (verb, name, err) => `failed to ${verb} cluster workflow template: ${name},  ${err.message}`,
};
