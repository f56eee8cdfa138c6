// `-o json` and `-o yaml` as the Go argo CLI prints resources. JSON follows Go's struct field order
// (see go-json.ts); YAML is that JSON converted the way sigs.k8s.io/yaml converts it (see yaml-emitter.ts).
import { type GoJson, hasGoLayout, plainToGoJson, structToGoJson, writeGoJson } from './go-json.js';
import { emitYaml, YamlConversionError } from './yaml-emitter.js';

/** Resource types whose Go field layout is known. */
export type ResourceType =
  | 'Workflow'
  | 'WorkflowTemplate'
  | 'ClusterWorkflowTemplate'
  | 'CronWorkflow'
  | 'WorkflowEventBinding'
  | 'WorkflowTaskResult';

export interface SerializeOptions {
  /** The Go type to lay the object (or each element of an array) out as; defaults to its `kind`. */
  type?: ResourceType;
}

function kindOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' && hasGoLayout(kind) ? kind : undefined;
}

/** The value as the Go CLI would hold it: typed resources in struct order, anything else as it comes. */
export function toGoValue(value: unknown, options: SerializeOptions = {}): GoJson {
  if (Array.isArray(value)) return value.map((v) => toGoValue(v, options));
  const type = options.type ?? kindOf(value);
  return type ? structToGoJson(type, value) : plainToGoJson(value);
}

/**
 * JSON as json.MarshalIndent writes it, with no trailing newline. `argo get`/`template get`/`cron get`
 * indent with four spaces, `argo list` with two; pass `indent: undefined` for json.Marshal's compact form.
 */
export function toJson(value: unknown, options: SerializeOptions & { indent?: string } = {}): string {
  return writeGoJson(toGoValue(value, options), 'indent' in options ? options.indent : '    ');
}

/** YAML as sigs.k8s.io/yaml.Marshal writes it, ending with a newline. */
export function toYaml(value: unknown, options: SerializeOptions = {}): string {
  return emitYaml(toGoValue(value, options));
}

/**
 * The machine-readable outputs every `get` command shares: the name, JSON (four-space indent, newline
 * added) or YAML; any other output is the command's own text, from `text()`.
 */
export function formatResource(
  resource: { metadata: { name?: string } },
  output: string | undefined,
  type: ResourceType,
  text: () => string,
): string {
  switch (output ?? '') {
    case 'name':
      return `${resource.metadata.name ?? ''}\n`;
    case 'json':
      return `${toJson(resource, { type, indent: '    ' })}\n`;
    case 'yaml':
      try {
        return toYaml(resource, { type });
      } catch (e) {
        // Upstream ignores the conversion error here and prints nothing.
        if (e instanceof YamlConversionError) return '';
        throw e;
      }
    default:
      return text();
  }
}
