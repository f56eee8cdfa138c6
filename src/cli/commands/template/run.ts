// `argo template` and `argo cluster-template`: create, get, list, update and delete, for either kind.
import type { Command } from 'commander';
import type { ClusterWorkflowTemplate, WorkflowTemplate } from '../../../model/workflow.js';
import { readCommandManifests } from '../../manifests.js';
import { namespaceOf, out, withClient } from '../../context.js';
import type { TemplateListOutput } from '../../output/list.js';
import type { TemplateGetOutput } from '../../output/template.js';
import type { TemplateKind } from './kinds.js';

type AnyTemplate = WorkflowTemplate | ClusterWorkflowTemplate;

export class TemplateCommandError extends Error {}

function checkOutput(output: string | undefined, allowed: string[]): void {
  if (output && !allowed.includes(output)) {
    throw new TemplateCommandError(
      `invalid argument "${output}" for "-o, --output" flag: One of: ${allowed.join('|')}`,
    );
  }
}

export async function readTemplates(
  kind: TemplateKind,
  files: string[],
  strict: boolean,
): Promise<AnyTemplate[]> {
  const manifests = await readCommandManifests(files, { strict });
  const found: AnyTemplate[] = [];
  for (const m of manifests) {
    if (m.kind !== kind.kind) continue;
    if (m.error) throw new TemplateCommandError(`Failed to parse ${kind.noun}: ${m.source}: ${m.error}`);
    found.push(m.object as unknown as AnyTemplate);
  }
  if (found.length === 0) throw new TemplateCommandError(`No ${kind.noun} found in given files`);
  return found;
}

const GET_OUTPUTS = ['name', 'json', 'yaml', 'wide'];

export async function createTemplates(
  cmd: Command,
  kind: TemplateKind,
  files: string[],
  o: { output?: string; strict?: boolean },
): Promise<void> {
  checkOutput(o.output, GET_OUTPUTS);
  const templates = await readTemplates(kind, files, o.strict !== false);
  await withClient(
    cmd,
    async (client, g) => {
      for (const t of templates) {
        const ns = t.metadata.namespace || namespaceOf(client, g);
        let created: AnyTemplate;
        try {
          created = await kind.create(client, ns, t);
        } catch (err) {
          throw new TemplateCommandError(kind.failure('create', t.metadata.name ?? '', err as Error));
        }
        await out(kind.print(created, (o.output ?? '') as TemplateGetOutput, new Date()));
      }
    },
    { engine: 'none' },
  );
}

export async function updateTemplates(
  cmd: Command,
  kind: TemplateKind,
  files: string[],
  o: { output?: string; strict?: boolean },
): Promise<void> {
  checkOutput(o.output, GET_OUTPUTS);
  const templates = await readTemplates(kind, files, o.strict !== false);
  await withClient(
    cmd,
    async (client, g) => {
      for (const t of templates) {
        const ns = t.metadata.namespace || namespaceOf(client, g);
        const name = t.metadata.name ?? '';
        let current: AnyTemplate;
        try {
          current = await kind.get(client, ns, name);
        } catch (err) {
          throw new TemplateCommandError(
            `failed to get existing ${kind.noun} ${JSON.stringify(name)} to update: ${(err as Error).message}`,
          );
        }
        const next = {
          ...t,
          metadata: {
            ...t.metadata,
            ...(kind.namespaced ? { namespace: ns } : {}),
            resourceVersion: current.metadata.resourceVersion,
          },
        };
        let updated: AnyTemplate;
        try {
          updated = await kind.update(client, ns, next);
        } catch (err) {
          throw new TemplateCommandError(kind.failure('update', name, err as Error));
        }
        await out(kind.print(updated, (o.output ?? '') as TemplateGetOutput, new Date()));
      }
    },
    { engine: 'none' },
  );
}

export async function getTemplates(
  cmd: Command,
  kind: TemplateKind,
  names: string[],
  o: { output?: string },
): Promise<void> {
  checkOutput(o.output, GET_OUTPUTS);
  await withClient(
    cmd,
    async (client, g) => {
      for (const name of names) {
        const t = await kind.get(client, namespaceOf(client, g), name);
        await out(kind.print(t, (o.output ?? '') as TemplateGetOutput, new Date()));
      }
    },
    { engine: 'none' },
  );
}

export async function listTemplates(
  cmd: Command,
  kind: TemplateKind,
  o: { allNamespaces?: boolean; output?: string; selector?: string },
): Promise<void> {
  if (o.output && !['wide', 'name'].includes(o.output))
    throw new TemplateCommandError(`unknown output mode: ${o.output}`);
  await withClient(
    cmd,
    async (client, g) => {
      const ns = o.allNamespaces ? '' : namespaceOf(client, g);
      const res = await kind.list(client, ns, o.selector);
      await out(kind.printList(res.items, (o.output ?? '') as TemplateListOutput, o.allNamespaces === true));
    },
    { engine: 'none' },
  );
}

export async function deleteTemplates(
  cmd: Command,
  kind: TemplateKind,
  names: string[],
  o: { all?: boolean },
): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      const targets = o.all ? (await kind.list(client, ns)).items.map((t) => t.metadata.name ?? '') : names;
      for (const name of targets) {
        await kind.delete(client, ns, name);
        await out(`${kind.kind} '${name}' deleted\n`);
      }
    },
    { engine: 'none' },
  );
}
