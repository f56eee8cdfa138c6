// Workflow templates and cluster workflow templates: lists and details (YAML, parameters, submit).
import { Link, useParams } from 'react-router';
import { get } from '../api/http';
import type { List, WorkflowTemplate } from '../api/types';
import { NamespaceFilter, ResourceTable } from '../shared/resource-list';
import { ErrorNotice, Loading } from '../shared/status';
import { ago } from '../shared/time';
import { useApi } from '../shared/use-api';
import { YamlView } from '../shared/yaml';

export function WorkflowTemplatesPage({ cluster }: { cluster: boolean }) {
  const { namespace = '' } = useParams();
  const base = cluster ? '/cluster-workflow-templates' : '/workflow-templates';
  const loaded = useApi(
    (signal) =>
      get<List<WorkflowTemplate>>(
        cluster ? 'cluster-workflow-templates' : `workflow-templates/${encodeURIComponent(namespace)}`,
        undefined,
        signal,
      ),
    [cluster, namespace],
  );
  const title = cluster ? 'Cluster Workflow Templates' : 'Workflow Templates';
  return (
    <section aria-labelledby="templates-title">
      <h1 id="templates-title">{title}</h1>
      {!cluster && <NamespaceFilter base={base} />}
      <ResourceTable
        what={title}
        loaded={loaded}
        items={loaded.value?.items ?? []}
        rowKey={(t) => `${t.metadata.namespace}/${t.metadata.name}`}
        empty={`No ${title.toLowerCase()}. Create one with \`argo ${cluster ? 'cluster-template' : 'template'} create\`.`}
        columns={[
          {
            title: 'Name',
            cell: (t) => (
              <Link
                to={
                  cluster
                    ? `${base}/${t.metadata.name}`
                    : `${base}/${t.metadata.namespace}/${t.metadata.name}`
                }
              >
                {t.metadata.name}
              </Link>
            ),
          },
          ...(cluster ? [] : [{ title: 'Namespace', cell: (t: WorkflowTemplate) => t.metadata.namespace }]),
          { title: 'Created', cell: (t) => ago(t.metadata.creationTimestamp) },
          {
            title: 'Parameters',
            cell: (t) => (t.spec.arguments?.parameters ?? []).map((p) => p.name).join(', '),
          },
        ]}
      />
    </section>
  );
}

export function WorkflowTemplateDetailsPage({ cluster }: { cluster: boolean }) {
  const { namespace = '', name = '' } = useParams();
  const loaded = useApi(
    (signal) =>
      get<WorkflowTemplate>(
        cluster
          ? `cluster-workflow-templates/${encodeURIComponent(name)}`
          : `workflow-templates/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`,
        undefined,
        signal,
      ),
    [cluster, namespace, name],
  );
  const submit = new URLSearchParams({
    template: name,
    ...(cluster ? { kind: 'ClusterWorkflowTemplate' } : { namespace }),
  });
  return (
    <section aria-labelledby="template-title">
      <header className="page-header">
        <h1 id="template-title">{name}</h1>
        <Link className="button primary" to={`/submit?${submit.toString()}`}>
          Submit
        </Link>
      </header>
      {loaded.error ? <ErrorNotice error={loaded.error} /> : null}
      {loaded.value ? (
        <YamlView value={loaded.value} label="Template YAML" />
      ) : (
        !loaded.error && <Loading what="template" />
      )}
    </section>
  );
}
