// The template a pod runs, as argoexec finds it: the file the init container wrote, else the
// ARGO_TEMPLATE variable the controller set on the container.
import { readFileSync } from 'node:fs';
import type { Template } from '../../model/template.js';
import { ENV_TEMPLATE } from '../pod-contract.js';
import { contractPaths } from './pod-paths.js';

export class TemplateReadError extends Error {}

export function readPodTemplate(env: NodeJS.ProcessEnv = process.env): Template {
  const file = contractPaths(env).template;
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    text = env[ENV_TEMPLATE];
    if (text === undefined) throw new TemplateReadError(`neither ${file} nor ${ENV_TEMPLATE} is available`);
  }
  try {
    return JSON.parse(text) as Template;
  } catch (err) {
    throw new TemplateReadError(`failed to unmarshal template: ${(err as Error).message}`);
  }
}
