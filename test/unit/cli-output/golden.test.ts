// Printed output compared byte for byte with golden files. The get-*.txt and list*.txt goldens are the
// output of upstream's printer logic (run outside this project over these fixtures, with TZ=UTC and a
// fixed clock); the YAML goldens were checked against go-yaml v2 itself; the others were derived by hand
// from upstream's format strings.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ClusterWorkflowTemplate,
  CronWorkflow,
  Workflow,
  WorkflowTemplate,
} from '../../../src/model/workflow.js';
import { printArchivedWorkflow } from '../../../src/cli/output/archive.js';
import { printCronWorkflow } from '../../../src/cli/output/cron.js';
import { printWorkflow, type PrintWorkflowOptions } from '../../../src/cli/output/get.js';
import {
  printClusterTemplateList,
  printCronWorkflowList,
  printTemplateList,
  printWorkflowList,
  type PrintWorkflowListOptions,
} from '../../../src/cli/output/list.js';
import { printClusterWorkflowTemplate, printWorkflowTemplate } from '../../../src/cli/output/template.js';

const here = new URL('.', import.meta.url).pathname;
const fixture = <T>(name: string): T => JSON.parse(readFileSync(`${here}fixtures/${name}`, 'utf8')) as T;
const golden = (name: string): string => readFileSync(`${here}golden/${name}`, 'utf8');

const now = new Date('2026-03-01T10:05:00Z');
let savedTz: string | undefined;
beforeAll(() => {
  savedTz = process.env.TZ;
  process.env.TZ = 'UTC';
});
afterAll(() => {
  if (savedTz === undefined) delete process.env.TZ;
  else process.env.TZ = savedTz;
});

describe('argo get', () => {
  const hello = fixture<Workflow>('hello-world.json');
  const steps = fixture<Workflow>('steps.json');
  const dag = fixture<Workflow>('dag.json');
  const get = (wf: Workflow, extra: Partial<PrintWorkflowOptions> = {}): string =>
    printWorkflow(wf, { noColor: true, noUtf8: false, now, ...extra });

  it.each([
    ['get-hello-world.txt', () => get(hello)],
    ['get-hello-world-color.txt', () => get(hello, { noColor: false })],
    ['get-steps.txt', () => get(steps)],
    ['get-steps-wide.txt', () => get(steps, { output: 'wide' })],
    ['get-steps-short.txt', () => get(steps, { output: 'short' })],
    ['get-steps-no-utf8.txt', () => get(steps, { noUtf8: true })],
    ['get-steps-status-failed.txt', () => get(steps, { status: 'Failed' })],
    [
      'get-steps-node-field-selector.txt',
      () => get(steps, { nodeFieldSelector: 'templateName=print-message,phase!=Skipped' }),
    ],
    ['get-dag.txt', () => get(dag)],
    ['get-dag-color.txt', () => get(dag, { noColor: false })],
    ['get-dag-wide.txt', () => get(dag, { output: 'wide' })],
    ['get-dag-color-no-utf8.txt', () => get(dag, { noColor: false, noUtf8: true })],
    ['get-hello-world.json', () => get(hello, { output: 'json' })],
    ['get-hello-world.yaml', () => get(hello, { output: 'yaml' })],
  ])('%s', (file, print) => {
    expect(print()).toBe(golden(file));
  });

  it('-o name prints the name', () => {
    expect(get(hello, { output: 'name' })).toBe('hello-world-x7k2p\n');
  });
});

describe('argo list', () => {
  const workflows = fixture<Workflow[]>('workflow-list.json');
  const list = (extra: Partial<PrintWorkflowListOptions> = {}): string =>
    printWorkflowList(workflows, { now, ...extra });

  it.each([
    ['list.txt', () => list()],
    ['list-wide.txt', () => list({ output: 'wide' })],
    ['list-no-headers.txt', () => list({ noHeaders: true })],
    ['list-all-namespaces.txt', () => list({ namespace: true })],
    ['list-archive.txt', () => list({ namespace: true, uid: true })],
    ['list-name.txt', () => list({ output: 'name' })],
    ['list.json', () => list({ output: 'json' })],
    ['list.yaml', () => list({ output: 'yaml' })],
  ])('%s', (file, print) => {
    expect(print()).toBe(golden(file));
  });
});

describe('templates, cluster templates, cron workflows, archive', () => {
  const templates = fixture<WorkflowTemplate[]>('templates.json');
  const crons = fixture<CronWorkflow[]>('cron-workflows.json');
  const nextRun = (c: CronWorkflow): string | undefined =>
    c.metadata.name === 'nightly-etl' ? '2026-03-02T08:00:00Z' : undefined;

  it.each([
    ['template-list.txt', () => printTemplateList(templates)],
    ['template-list-all-namespaces.txt', () => printTemplateList(templates, { allNamespaces: true })],
    ['cluster-template-list.txt', () => printClusterTemplateList(templates as ClusterWorkflowTemplate[])],
    ['template-get.txt', () => printWorkflowTemplate(templates[0], { now })],
    [
      'cluster-template-get.txt',
      () => printClusterWorkflowTemplate(templates[0] as ClusterWorkflowTemplate, { now }),
    ],
    ['cron-list.txt', () => printCronWorkflowList(crons, { now, nextRun })],
    [
      'cron-list-all-namespaces.txt',
      () => printCronWorkflowList(crons, { now, nextRun, allNamespaces: true }),
    ],
    ['cron-get.txt', () => printCronWorkflow(crons[0], { now, nextRun })],
    ['archive-get.txt', () => printArchivedWorkflow(fixture<Workflow>('hello-world.json'), { now })],
  ])('%s', (file, print) => {
    expect(print()).toBe(golden(file));
  });

  it('name output lists names only', () => {
    expect(printTemplateList(templates, { output: 'name' })).toBe('build-and-test\netl\n');
    expect(printCronWorkflowList(crons, { output: 'name', now, nextRun })).toBe('nightly-etl\nevery-5m\n');
  });
});
