// Argo's rules for the names of templates, steps, tasks, parameters and artifacts.

const FIELD_NAME = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;
const PARAM_OR_ARTIFACT_NAME = /^[-a-zA-Z0-9_]+$/;
const FIELD_NAME_MAX = 128;
/** `{{inputs.parameters.x}}`: a name written as a parameter is only known at runtime. */
const PARAMETER_REF = /\{\{[-a-zA-Z0-9]+(\.[-a-zA-Z0-9_]+)*\}\}/;
const PLACEHOLDER_FRAGMENT = /__argo__internal__placeholder-\d+/g;

export const PARAM_OR_ARTIFACT_NAME_ERROR =
  "Parameter/Artifact name must consist of alpha-numeric characters, '_' or '-' e.g. my_param_1, MY-PARAM-1";

export function isParameterReference(text: string): boolean {
  return PARAMETER_REF.test(text);
}

export function paramOrArtifactNameErrors(name: string): string[] {
  return PARAM_OR_ARTIFACT_NAME.test(name) ? [] : [PARAM_OR_ARTIFACT_NAME_ERROR];
}

export function fieldNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > FIELD_NAME_MAX) errs.push(`must be no more than ${FIELD_NAME_MAX} characters`);
  if (!FIELD_NAME.test(name)) {
    errs.push(
      "name must consist of alpha-numeric characters or '-', and must start with an alpha-numeric character (e.g. My-name1-2, 123-NAME)",
    );
  }
  return errs;
}

/** Step names may hold validation placeholders where parameters were; the rest must be valid. */
export function stepNameErrors(name: string): string[] {
  return fieldNameErrors(name.replace(PLACEHOLDER_FRAGMENT, 'x'));
}

/**
 * Checks a list's `name`s are present, valid and unique; returns the suffix Argo appends to the
 * list's path (`[2].name is required`), or undefined when all are fine.
 */
export function fieldNamesProblem(
  items: readonly { name?: unknown }[] | undefined,
  paramOrArtifact: boolean,
): string | undefined {
  const seen = new Set<string>();
  for (const [i, item] of (items ?? []).entries()) {
    const name = typeof item?.name === 'string' ? item.name : '';
    if (name === '') return `[${i}].name is required`;
    const errs = paramOrArtifact ? paramOrArtifactNameErrors(name) : fieldNameErrors(name);
    if (errs.length > 0) return `[${i}].name: '${name}' is invalid: ${errs.join(';')}`;
    if (seen.has(name)) return `[${i}].name '${name}' is not unique`;
    seen.add(name);
  }
  return undefined;
}
