// The tests' own calls to the Argo Server API (to set up workflows and templates, and to read back the
// truth the page must show).
import { load } from 'js-yaml';

export class Api {
  constructor(
    readonly url: string,
    private readonly token?: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Submits the workflow in `yaml` to `default`; resolves with its name. */
  async submit(yaml: string): Promise<string> {
    const wf = await this.call<{ metadata: { name: string } }>('POST', 'workflows/default', {
      workflow: load(yaml),
    });
    return wf.metadata.name;
  }

  workflow(name: string): Promise<ApiWorkflow> {
    return this.call('GET', `workflows/default/${name}`);
  }

  /** Polls the workflow until `done` holds of it, or fails after `ms`. */
  async until(name: string, done: (wf: ApiWorkflow) => boolean, ms = 15_000): Promise<ApiWorkflow> {
    const deadline = Date.now() + ms;
    for (;;) {
      const wf = await this.workflow(name);
      if (done(wf)) return wf;
      if (Date.now() > deadline)
        throw new Error(`workflow ${name} did not get there: ${JSON.stringify(wf.status)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export interface ApiNode {
  id: string;
  name: string;
  displayName: string;
  type: string;
  phase: string;
  message?: string;
  children?: string[];
}

export interface ApiWorkflow {
  metadata: { name: string; namespace: string };
  spec: { suspend?: boolean };
  status?: { phase?: string; message?: string; nodes?: Record<string, ApiNode> };
}
