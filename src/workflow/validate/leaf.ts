// Checks of templates that do the work (container, script, resource, containerSet, data, http,
// plugin, suspend): their references, mounts, images and resource actions.
import { parseAllDocuments } from 'yaml';
import type { Template } from '../../model/template.js';
import { ValidationFailure } from './failure.js';
import { fieldNamesProblem } from './names.js';
import { isPlaceholder } from './placeholders.js';
import type { ResolvedTemplate, Run } from './run.js';
import { resolveAllVariables, type Scope } from './scope.js';

const RESOURCE_ACTIONS = new Set(['get', 'create', 'apply', 'delete', 'replace', 'patch']);
/** Container names the controller uses for its own containers. */
function isReservedContainerName(name: string): boolean {
  return name === 'wait' || name === 'supervisor' || name.startsWith('artifact-plugin-');
}

function fail(message: string, path: string): never {
  throw new ValidationFailure(message, path);
}

export function checkLeaf(run: Run, scope: Scope, resolved: ResolvedTemplate, tmpl: Template): void {
  const { path, base } = resolved;
  const name = tmpl.name ?? '';
  try {
    resolveAllVariables(scope, run.globals, JSON.stringify(tmpl), run.opts.workflowTemplateValidation, path);
  } catch (e) {
    if (e instanceof ValidationFailure) throw e.wrap(`templates.${name}:`);
    throw e;
  }
  // Images may come from the templateDefaults of the resource the template lives in; Argo does
  // not consult a ClusterWorkflowTemplate's defaults.
  const defaults = base.kind === 'ClusterWorkflowTemplate' ? undefined : base.spec.templateDefaults;
  if (tmpl.container) {
    const mounts = new Map<string, string>();
    for (const [i, m] of (tmpl.container.volumeMounts ?? []).entries()) {
      const prev = mounts.get(m.mountPath);
      if (prev !== undefined) {
        fail(
          `templates.${name}.container.volumeMounts[${i}].mountPath '${m.mountPath}' already mounted in ${prev}`,
          `${path}.container.volumeMounts[${i}].mountPath`,
        );
      }
      mounts.set(m.mountPath, `container.volumeMounts.${m.name}`);
    }
    for (const [i, art] of (tmpl.inputs?.artifacts ?? []).entries()) {
      const artPath = art.path ?? '';
      const prev = mounts.get(artPath);
      if (prev !== undefined) {
        fail(
          `templates.${name}.inputs.artifacts[${i}].path '${artPath}' already mounted in ${prev}`,
          `${path}.inputs.artifacts[${i}].path`,
        );
      }
      mounts.set(artPath, `inputs.artifacts.${art.name}`);
    }
    if (!tmpl.container.image && !defaults?.container?.image) {
      fail(`templates.${name}.container.image may not be empty`, `${path}.container.image`);
    }
  }
  if (tmpl.containerSet) checkContainerSet(tmpl, name, path);
  for (const [i, s] of (tmpl.sidecars ?? []).entries()) {
    if (isReservedContainerName(s.name ?? '')) {
      fail(
        `templates.${name}.sidecars: ${JSON.stringify(s.name)} is a reserved Argo container name`,
        `${path}.sidecars[${i}].name`,
      );
    }
  }
  if (tmpl.resource) checkResource(tmpl, name, path);
  if (tmpl.script && !tmpl.script.image && !defaults?.script?.image) {
    fail(`templates.${name}.script.image may not be empty`, `${path}.script.image`);
  }
  const deadline = tmpl.activeDeadlineSeconds;
  if (deadline !== undefined) {
    const bad = `templates.${name}.activeDeadlineSeconds must be a positive integer > 0 or an argo variable`;
    if (typeof deadline === 'string') {
      const isInt = /^[+-]?\d+$/.test(deadline);
      const isVariable = deadline.startsWith('{{') && deadline.endsWith('}}');
      if (!isInt && !isVariable && !isPlaceholder(deadline)) fail(bad, `${path}.activeDeadlineSeconds`);
      if (isInt && Number(deadline) < 0) fail(bad, `${path}.activeDeadlineSeconds`);
    } else if (deadline < 0) fail(bad, `${path}.activeDeadlineSeconds`);
  }
  if (tmpl.parallelism !== undefined) {
    fail(`templates.${name}.parallelism is only valid for steps and dag templates`, `${path}.parallelism`);
  }
}

function checkContainerSet(tmpl: Template, name: string, path: string): void {
  const set = tmpl.containerSet!;
  const at = `${path}.containerSet`;
  const prefix = `templates.${name}.containerSet.`;
  const containers = set.containers ?? [];
  if (containers.length === 0) fail(`${prefix}containers must have at least one container`, at);
  const namesProblem = fieldNamesProblem(containers, false);
  if (namesProblem) fail(`${prefix}containers${namesProblem}`, `${at}.containers`);
  const mounts = new Map<string, string>();
  for (const [i, m] of (set.volumeMounts ?? []).entries()) {
    const prev = mounts.get(m.mountPath);
    if (prev !== undefined) {
      fail(
        `${prefix}volumeMounts[${i}].mountPath '${m.mountPath}' already mounted in ${prev}`,
        `${at}.volumeMounts[${i}]`,
      );
    }
    mounts.set(m.mountPath, `volumeMounts.${m.name}`);
  }
  const byName = new Set(containers.map((c) => c.name));
  for (const c of containers) {
    for (const dep of c.dependencies ?? []) {
      if (!byName.has(dep))
        fail(`${prefix}containers.${c.name} dependency '${dep}' not defined`, `${at}.containers`);
    }
  }
  const graph = new Map<string, string[]>();
  for (const c of containers) graph.set(c.name, [...(graph.get(c.name) ?? []), ...(c.dependencies ?? [])]);
  const cycle = findCycle(graph);
  if (cycle) fail(`${prefix}containers dependency cycle detected: ${cycle}`, `${at}.containers`);
  const needsMain =
    (tmpl.inputs?.artifacts ?? []).length > 0 ||
    (tmpl.outputs?.parameters ?? []).length > 0 ||
    (tmpl.outputs?.artifacts ?? []).length > 0;
  if (needsMain && !byName.has('main')) {
    fail(
      `templates.${name}.containerSet.containers must have a container named "main" for input or output`,
      `${at}.containers`,
    );
  }
  for (const [i, c] of containers.entries()) {
    if (isReservedContainerName(c.name ?? '')) {
      fail(
        `templates.${name}.containerSet.containers: ${JSON.stringify(c.name)} is a reserved Argo container name`,
        `${at}.containers[${i}].name`,
      );
    }
  }
}

/** Depth-first search from each node in name order; reports the first cycle as `a->b->a`. */
function findCycle(graph: Map<string, string[]>): string | undefined {
  const visited = new Set<string>();
  const visit = (node: string, path: string[]): string | undefined => {
    if (visited.has(node)) return undefined;
    const deps = graph.get(node);
    if (!deps) return undefined;
    for (const dep of deps) {
      if (path.includes(dep)) return `${path.join('->')}->${dep}`;
      path.push(dep);
      const found = visit(dep, path);
      if (found) return found;
      path.pop();
    }
    visited.add(node);
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const found = visit(node, []);
    if (found) return found;
  }
  return undefined;
}

function checkResource(tmpl: Template, name: string, path: string): void {
  const r = tmpl.resource!;
  const at = `${path}.resource`;
  const action = r.action ?? '';
  // An action from an expression is only known at runtime (Argo evaluates it to a placeholder).
  if (!isPlaceholder(action) && !action.includes('{{=') && !RESOURCE_ACTIONS.has(action)) {
    fail(
      `templates.${name}.resource.action must be one of: get, create, apply, delete, replace, patch`,
      `${at}.action`,
    );
  }
  if (action === 'delete' || action === 'get') return;
  if (!r.manifest && r.manifestFrom == null) {
    fail(
      `either templates.${name}.resource.manifest or templates.${name}.resource.manifestFrom must be specified`,
      at,
    );
  }
  if (r.manifest && r.manifestFrom != null) {
    fail(
      "shouldn't have both `manifest` and `manifestFrom` specified in `Manifest` for resource template",
      at,
    );
  }
  const fromArtifact = r.manifestFrom?.artifact;
  if (fromArtifact && !(tmpl.inputs?.artifacts ?? []).some((a) => a.name === fromArtifact.name)) {
    fail(
      `artifact ${fromArtifact.name} in \`manifestFrom\` refer to a non-exist artifact`,
      `${at}.manifestFrom.artifact`,
    );
  }
  if (r.manifest && !isPlaceholder(r.manifest)) {
    // Expressions are only known at runtime; stand-ins keep the YAML check meaningful.
    const replaced = r.manifest.replace(/\{\{\s*=\s*(.+?)\s*\}\}/g, 'argo-expression-placeholder');
    const docs = parseAllDocuments(replaced, { strict: false, uniqueKeys: false });
    const invalid = Array.isArray(docs) ? docs.some((d) => d.errors.length > 0) : true;
    if (invalid) fail(`templates.${name}.resource.manifest must be a valid yaml`, `${at}.manifest`);
  }
}
