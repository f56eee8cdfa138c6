// Submitting a workflow: paste or upload its YAML, or pick a (cluster) workflow template and fill in
// its parameters (enums as choices); then the new workflow's page.
import { load } from 'js-yaml';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { explain, get, post } from '../api/http';
import type { List, Parameter, Workflow, WorkflowTemplate } from '../api/types';
import { ErrorNotice } from '../shared/status';
import { useApi } from '../shared/use-api';

type Kind = 'WorkflowTemplate' | 'ClusterWorkflowTemplate';

function ParameterField({
  p,
  value,
  onChange,
}: {
  p: Parameter;
  value: string;
  onChange: (v: string) => void;
}) {
  const id = `param-${p.name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{p.name}</label>
      {p.enum && p.enum.length > 0 ? (
        <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
          {p.enum.map((v) => (
            <option key={v}>{v}</option>
          ))}
        </select>
      ) : (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
      {p.description && <small>{p.description}</small>}
    </div>
  );
}

function FromTemplate({ namespace }: { namespace: string }) {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [kind, setKind] = useState<Kind>(
    search.get('kind') === 'ClusterWorkflowTemplate' ? 'ClusterWorkflowTemplate' : 'WorkflowTemplate',
  );
  const [name, setName] = useState(search.get('template') ?? '');
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const templates = useApi(
    (signal) =>
      get<List<WorkflowTemplate>>(
        kind === 'WorkflowTemplate'
          ? `workflow-templates/${encodeURIComponent(namespace)}`
          : 'cluster-workflow-templates',
        undefined,
        signal,
      ),
    [kind, namespace],
  );
  const items = templates.value?.items ?? [];
  const template = items.find((t) => t.metadata.name === name);
  const parameters = template?.spec.arguments?.parameters ?? [];

  useEffect(() => {
    setValues(Object.fromEntries(parameters.map((p) => [p.name, p.value ?? p.enum?.[0] ?? ''])));
    // The defaults change with the template picked.
  }, [template]);

  const submit = async (): Promise<void> => {
    setError(undefined);
    try {
      const wf = await post<Workflow>(`workflows/${encodeURIComponent(namespace)}/submit`, {
        namespace,
        resourceKind: kind,
        resourceName: name,
        submitOptions: { parameters: parameters.map((p) => `${p.name}=${values[p.name] ?? ''}`) },
      });
      navigate(
        `/workflows/${encodeURIComponent(wf.metadata.namespace ?? namespace)}/${encodeURIComponent(wf.metadata.name ?? '')}`,
      );
    } catch (err) {
      setError(explain(err));
    }
  };

  return (
    <form
      aria-label="Submit from a template"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="field">
        <label htmlFor="template-kind">Kind</label>
        <select id="template-kind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="WorkflowTemplate">WorkflowTemplate</option>
          <option value="ClusterWorkflowTemplate">ClusterWorkflowTemplate</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor="template-name">Template</label>
        <select id="template-name" value={name} onChange={(e) => setName(e.target.value)}>
          <option value="">
            {templates.loading ? 'Loading…' : items.length ? 'Choose a template' : 'No templates'}
          </option>
          {items.map((t) => (
            <option key={t.metadata.name}>{t.metadata.name}</option>
          ))}
        </select>
      </div>
      {templates.error ? <ErrorNotice error={templates.error} /> : null}
      {template && (
        <fieldset>
          <legend>Parameters</legend>
          {parameters.length === 0 && <p className="muted">This template takes no parameters.</p>}
          {parameters.map((p) => (
            <ParameterField
              key={p.name}
              p={p}
              value={values[p.name] ?? ''}
              onChange={(v) => setValues({ ...values, [p.name]: v })}
            />
          ))}
        </fieldset>
      )}
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="primary" disabled={!template}>
        Submit
      </button>
    </form>
  );
}

function FromYaml({ namespace }: { namespace: string }) {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();

  const submit = async (): Promise<void> => {
    setError(undefined);
    let wf: Workflow;
    try {
      wf = load(text) as Workflow;
    } catch (err) {
      setError(`The YAML does not parse: ${(err as Error).message}`);
      return;
    }
    if (!wf || typeof wf !== 'object' || wf.kind !== 'Workflow') {
      setError('The YAML must be one Workflow (kind: Workflow).');
      return;
    }
    const ns = wf.metadata?.namespace || namespace;
    try {
      const created = await post<Workflow>(`workflows/${encodeURIComponent(ns)}`, {
        namespace: ns,
        workflow: wf,
      });
      navigate(`/workflows/${encodeURIComponent(ns)}/${encodeURIComponent(created.metadata.name ?? '')}`);
    } catch (err) {
      setError(explain(err));
    }
  };

  return (
    <form
      aria-label="Submit YAML"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="field">
        <label htmlFor="workflow-file">Upload a file</label>
        <input
          id="workflow-file"
          type="file"
          accept=".yaml,.yml,.json"
          onChange={(e) => void e.target.files?.[0]?.text().then(setText)}
        />
      </div>
      <div className="field">
        <label htmlFor="workflow-yaml">Workflow YAML</label>
        <textarea
          id="workflow-yaml"
          rows={18}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
      </div>
      {error && (
        <div className="error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" className="primary" disabled={!text.trim()}>
        Submit
      </button>
    </form>
  );
}

export function SubmitPage({ defaultNamespace }: { defaultNamespace: string }) {
  const [search, setSearch] = useSearchParams();
  const from = search.get('from') === 'yaml' ? 'yaml' : 'template';
  const [namespace, setNamespace] = useState(search.get('namespace') ?? defaultNamespace);
  return (
    <section aria-labelledby="submit-title">
      <h1 id="submit-title">Submit a workflow</h1>
      <div className="field">
        <label htmlFor="submit-namespace">Namespace</label>
        <input id="submit-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)} />
      </div>
      <div className="tabs" role="tablist" aria-label="Submit from">
        <button
          type="button"
          role="tab"
          aria-selected={from === 'template'}
          onClick={() => setSearch({ from: 'template' })}
        >
          From a template
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={from === 'yaml'}
          onClick={() => setSearch({ from: 'yaml' })}
        >
          YAML
        </button>
      </div>
      {from === 'yaml' ? <FromYaml namespace={namespace} /> : <FromTemplate namespace={namespace} />}
    </section>
  );
}
