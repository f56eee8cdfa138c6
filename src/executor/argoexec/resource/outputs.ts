// A resource template's output parameters, read from the object as it is once the conditions hold:
// valueFrom.jsonPath as `kubectl get -o jsonpath=...` prints it, valueFrom.jqFilter as upstream's
// gojq run prints it (strings bare, other values as JSON, one result a line, trimmed).
import type { KubeObject } from '../../../model/meta.js';
import type { Parameter } from '../../../model/template.js';
import { goJson, kubectlJsonPath } from './jsonpath.js';

export class OutputError extends Error {}

/** jq through jq-wasm, loaded only by a step that asks for a jqFilter. */
async function jqFilter(obj: KubeObject, filter: string): Promise<string> {
  const jq = await import('jq-wasm');
  let raw: string;
  try {
    // -c puts each result on one line, so results can be told apart and reformatted.
    raw = await jq.raw(obj, filter, ['-c']);
  } catch (err) {
    throw new OutputError(`jqFilter '${filter}': ${(err as Error).message.trim().split('\n')[0]}`);
  }
  const results = raw
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const v: unknown = JSON.parse(line);
      return typeof v === 'string' ? v : goJson(v);
    });
  return results.join('\n').trim();
}

/**
 * The template's output parameters with values from the object. With no object (a get that
 * ignored a missing one) each takes its default, or the empty string.
 */
export async function resourceParameters(
  params: readonly Parameter[],
  obj: KubeObject | undefined,
): Promise<Parameter[]> {
  const out: Parameter[] = [];
  for (const param of params) {
    const p = { ...param };
    const from = p.valueFrom;
    if (from && !obj) p.value = from.default ?? '';
    else if (from?.jsonPath) p.value = kubectlJsonPath(from.jsonPath, obj);
    else if (from?.jqFilter) p.value = await jqFilter(obj!, from.jqFilter);
    out.push(p);
  }
  return out;
}
