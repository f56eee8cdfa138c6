// Reading fields of the controller's configuration ConfigMap (workflow-controller-configmap).
import { parse as parseYaml } from 'yaml';
import type { ConfigMap } from '../model/meta.js';

/**
 * A field of the controller configuration: inside its `config` key when the ConfigMap has one,
 * else its own key, as upstream reads either layout.
 */
export function configField(cm: ConfigMap | undefined, field: string): unknown {
  const data = cm?.data ?? {};
  try {
    if (data.config !== undefined) return ((parseYaml(data.config) ?? {}) as Record<string, unknown>)[field];
    return data[field] === undefined ? undefined : parseYaml(data[field]);
  } catch (err) {
    throw new Error(
      `cannot read ${field} of ConfigMap ${cm?.metadata.namespace}/${cm?.metadata.name}: ${(err as Error).message}`,
    );
  }
}
