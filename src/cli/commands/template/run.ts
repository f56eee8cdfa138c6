// `argo template create|get|list|delete`.
import type { Command } from 'commander';
import type { WorkflowTemplate } from '../../../model/workflow.js';
import { readManifests } from '../../../workflow/manifest/index.js';
import { namespaceOf, out, withClient } from '../../context.js';
import { printTemplateList } from '../../output/list.js';
import { printWorkflowTemplate, type TemplateGetOutput } from '../../output/template.js';

export class TemplateCommandError extends Error {}

function checkOutput(output: string | undefined, allowed: string[]): void {
  if (output && !allowed.includes(output)) {
    throw new TemplateCommandError(
      `invalid argument "${output}" for "-o, --output" flag: one of ${allowed.join('|')}`,
    );
  }
}

export async function readTemplates(files: string[], strict: boolean): Promise<WorkflowTemplate[]> {
  const manifests = await readManifests(files, { strict });
  const out: WorkflowTemplate[] = [];
  for (const m of manifests) {
    if (m.kind !== 'WorkflowTemplate') continue;
    if (m.error) throw new TemplateCommandError(`Failed to parse workflow template: ${m.source}: ${m.error}`);
    out.push(m.object as unknown as WorkflowTemplate);
  }
  if (out.length === 0) throw new TemplateCommandError('No workflow template found in given files');
  return out;
}

export async function createTemplates(
  cmd: Command,
  files: string[],
  o: { output?: string; strict?: boolean },
): Promise<void> {
  checkOutput(o.output, ['name', 'json', 'yaml', 'wide']);
  const templates = await readTemplates(files, o.strict !== false);
  await withClient(
    cmd,
    async (client, g) => {
      for (const t of templates) {
        const ns = t.metadata.namespace || namespaceOf(client, g);
        let created: WorkflowTemplate;
        try {
          created = await client.createWorkflowTemplate(ns, t);
        } catch (err) {
          throw new TemplateCommandError(`failed to create workflow template: ${(err as Error).message}`);
        }
        await out(
          printWorkflowTemplate(created, { output: (o.output ?? '') as TemplateGetOutput, now: new Date() }),
        );
      }
    },
    { engine: 'none' },
  );
}

export async function getTemplates(cmd: Command, names: string[], o: { output?: string }): Promise<void> {
  checkOutput(o.output, ['name', 'json', 'yaml', 'wide']);
  await withClient(
    cmd,
    async (client, g) => {
      for (const name of names) {
        const t = await client.getWorkflowTemplate(namespaceOf(client, g), name);
        await out(
          printWorkflowTemplate(t, { output: (o.output ?? '') as TemplateGetOutput, now: new Date() }),
        );
      }
    },
    { engine: 'none' },
  );
}

export async function listTemplates(
  cmd: Command,
  o: { allNamespaces?: boolean; output?: string; selector?: string },
): Promise<void> {
  if (o.output && !['wide', 'name'].includes(o.output))
    throw new TemplateCommandError(`unknown output mode: ${o.output}`);
  await withClient(
    cmd,
    async (client, g) => {
      const ns = o.allNamespaces ? '' : namespaceOf(client, g);
      const res = await client.listWorkflowTemplates(ns, { labelSelector: o.selector });
      await out(
        printTemplateList(res.items, {
          output: (o.output ?? '') as '' | 'wide' | 'name',
          allNamespaces: o.allNamespaces === true,
        }),
      );
    },
    { engine: 'none' },
  );
}

export async function deleteTemplates(cmd: Command, names: string[], o: { all?: boolean }): Promise<void> {
  await withClient(
    cmd,
    async (client, g) => {
      const ns = namespaceOf(client, g);
      const targets = o.all
        ? (await client.listWorkflowTemplates(ns)).items.map((t) => t.metadata.name ?? '')
        : names;
      for (const name of targets) {
        await client.deleteWorkflowTemplate(ns, name);
        await out(`WorkflowTemplate '${name}' deleted\n`);
      }
    },
    { engine: 'none' },
  );
}
