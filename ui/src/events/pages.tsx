// Workflow event bindings: which events submit which templates. A list, and each binding's YAML.
import { Link, useParams } from 'react-router';
import { get } from '../api/http';
import type { List, ObjectMeta } from '../api/types';
import { NamespaceFilter, ResourceTable } from '../shared/resource-list';
import { Empty } from '../shared/status';
import { ago } from '../shared/time';
import { useApi } from '../shared/use-api';
import { YamlView } from '../shared/yaml';

interface WorkflowEventBinding {
  metadata: ObjectMeta;
  spec: {
    event?: { selector?: string };
    submit?: { workflowTemplateRef?: { name?: string; clusterScope?: boolean } };
  };
}

export function EventBindingsPage() {
  const { namespace = '', name } = useParams();
  const loaded = useApi(
    (signal) =>
      get<List<WorkflowEventBinding>>(
        `workflow-event-bindings/${encodeURIComponent(namespace)}`,
        undefined,
        signal,
      ),
    [namespace],
  );
  const items = loaded.value?.items ?? [];
  const chosen = name ? items.find((b) => b.metadata.name === name) : undefined;
  if (name) {
    return (
      <section aria-labelledby="binding-title">
        <h1 id="binding-title">{name}</h1>
        {chosen ? (
          <YamlView value={chosen} label="Event binding YAML" />
        ) : (
          !loaded.loading && (
            <Empty>
              No event binding {name} in {namespace}.
            </Empty>
          )
        )}
      </section>
    );
  }
  return (
    <section aria-labelledby="bindings-title">
      <h1 id="bindings-title">Workflow Event Bindings</h1>
      <NamespaceFilter base="/workflow-event-bindings" />
      <ResourceTable
        what="Workflow Event Bindings"
        loaded={loaded}
        items={items}
        rowKey={(b) => `${b.metadata.namespace}/${b.metadata.name}`}
        empty="No workflow event bindings."
        columns={[
          {
            title: 'Name',
            cell: (b) => (
              <Link to={`/workflow-event-bindings/${b.metadata.namespace}/${b.metadata.name}`}>
                {b.metadata.name}
              </Link>
            ),
          },
          { title: 'Namespace', cell: (b) => b.metadata.namespace },
          { title: 'Event selector', cell: (b) => <code>{b.spec.event?.selector}</code> },
          { title: 'Submits', cell: (b) => b.spec.submit?.workflowTemplateRef?.name },
          { title: 'Created', cell: (b) => ago(b.metadata.creationTimestamp) },
        ]}
      />
    </section>
  );
}
