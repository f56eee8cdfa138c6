// Reading fields of the controller's configuration ConfigMap (workflow-controller-configmap).
import { parse as parseYaml } from 'yaml';
import type { ConfigMap } from '../model/meta.js';
import type { WorkflowDefaults } from '../workflow/merge.js';

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

/** workflowDefaults by the ConfigMap version they were read from: every pass of every workflow asks. */
const parsedDefaults = new WeakMap<ConfigMap, { defaults?: WorkflowDefaults; error?: string }>();

/**
 * The ConfigMap's `workflowDefaults`; undefined when it sets none. Unreadable YAML or a value that
 * is not a mapping is an error naming the ConfigMap (the controller reports it once per version).
 */
export function workflowDefaultsOf(cm: ConfigMap | undefined): {
  defaults?: WorkflowDefaults;
  error?: string;
} {
  if (!cm) return {};
  let read = parsedDefaults.get(cm);
  if (!read) {
    try {
      const value = configField(cm, 'workflowDefaults');
      if (value === undefined || value === null) read = {};
      else if (typeof value !== 'object' || Array.isArray(value))
        read = {
          error: `workflowDefaults of ConfigMap ${cm.metadata.namespace}/${cm.metadata.name} is not a Workflow`,
        };
      else read = { defaults: value as WorkflowDefaults };
    } catch (err) {
      read = { error: (err as Error).message };
    }
    parsedDefaults.set(cm, read);
  }
  return read;
}
