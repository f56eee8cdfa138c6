// Resources as YAML, as Argo users read and write them.
import { dump } from 'js-yaml';

export function toYaml(value: unknown): string {
  return dump(value, { noRefs: true, lineWidth: 120 });
}

export function YamlView({ value, label }: { value: unknown; label: string }) {
  return (
    <pre className="yaml" aria-label={label} tabIndex={0}>
      {toYaml(value)}
    </pre>
  );
}
