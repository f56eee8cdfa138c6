// HTTP templates, run by the controller's own agent as upstream's agent pod runs them, here inside
// the engine process: the request (method, headers with Secret values, body, timeout, TLS check),
// then the node's phase from successCondition (or a 2xx status) and the body as outputs.result.
// The operator stays synchronous: it asks for a node's result, and starts the request when there
// is none yet; the agent wakes the workflow when a request is done.
import type { Secret } from '../model/meta.js';
import type { HTTP, Outputs } from '../model/template.js';
import type { Workflow } from '../model/workflow.js';
import type { ResourceStore } from '../store/types.js';
import { evaluate } from '../workflow/expr/index.js';
import { nodeKey, NodeResults, type NodeResult } from './node-results.js';
import { commonJsExports } from '../commonjs-import.js';

export type { NodeResult };

/** What the operator calls. */
export interface HttpHooks {
  /** The finished request's result for a node, if it has finished. */
  result(wf: Workflow, nodeId: string): NodeResult | undefined;
  /** Starts the node's request unless it is running or finished. */
  start(wf: Workflow, nodeId: string, http: HTTP): void;
}

export interface HttpAgentOptions {
  store: ResourceStore;
  /** Called with `<namespace>/<name>` when one of the workflow's requests has finished. */
  onDone(workflowKey: string): void;
  log?: (msg: string) => void;
}

export class HttpAgent implements HttpHooks {
  private readonly running = new Set<string>();
  private readonly results = new NodeResults();

  constructor(private readonly opts: HttpAgentOptions) {}

  result(wf: Workflow, nodeId: string): NodeResult | undefined {
    return this.results.get(nodeKey(wf, nodeId));
  }

  start(wf: Workflow, nodeId: string, http: HTTP): void {
    const key = nodeKey(wf, nodeId);
    if (this.running.has(key) || this.results.has(key)) return;
    this.running.add(key);
    const ns = wf.metadata.namespace ?? '';
    void executeHttp(http, (name, k) => this.secret(ns, name, k))
      .catch((err: Error): NodeResult => ({ phase: 'Failed', message: err.message }))
      .then((result) => {
        this.running.delete(key);
        this.results.set(key, result);
        this.opts.onDone(`${ns}/${wf.metadata.name ?? ''}`);
      });
  }

  /** Forgets the results of a workflow that has completed. */
  forgetWorkflow(wf: Workflow): void {
    this.results.forget(wf);
  }

  private async secret(namespace: string, name: string, key: string): Promise<string> {
    const s = await this.opts.store.get<Secret>('Secret', namespace, name);
    const data = s?.data?.[key];
    if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
    const text = s?.stringData?.[key];
    if (text !== undefined) return text;
    throw new Error(s ? `secret "${name}" has no key "${key}"` : `secrets "${name}" not found`);
  }
}

/** One HTTP template's request and verdict (executeHTTPTemplate of upstream's agent). */
export async function executeHttp(
  http: HTTP,
  secret: (name: string, key: string) => Promise<string>,
): Promise<NodeResult> {
  const { request, Agent } = await commonJsExports(import('undici'));
  const method = (http.method || 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  const requestHeaders: Record<string, string[]> = {};
  for (const h of http.headers ?? []) {
    const ref = h.valueFrom?.secretKeyRef;
    const value = ref ? await secret(ref.name ?? '', ref.key) : (h.value ?? '');
    headers[h.name.toLowerCase() === 'host' ? 'host' : h.name] = value;
    (requestHeaders[canonicalHeader(h.name)] ??= []).push(value);
  }
  const body =
    http.bodyFrom?.bytes !== undefined ? Buffer.from(http.bodyFrom.bytes, 'base64') : (http.body ?? '');
  const timeoutMs = http.timeoutSeconds !== undefined ? Number(http.timeoutSeconds) * 1000 : undefined;
  const dispatcher = http.insecureSkipVerify
    ? new Agent({ connect: { rejectUnauthorized: false } })
    : undefined;
  const signal = timeoutMs !== undefined ? AbortSignal.timeout(timeoutMs) : undefined;
  let statusCode: number;
  let text: string;
  let responseHeaders: Record<string, string[]>;
  try {
    const res = await request(http.url, {
      method: method as 'GET',
      headers,
      body: method === 'GET' || method === 'HEAD' ? (body.length ? body : undefined) : body,
      signal,
      dispatcher,
    });
    statusCode = res.statusCode;
    text = await res.body.text();
    responseHeaders = {};
    for (const [k, v] of Object.entries(res.headers))
      if (v !== undefined) responseHeaders[canonicalHeader(k)] = Array.isArray(v) ? v : [String(v)];
  } catch (err) {
    const e = err as Error & { name?: string };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new Error(`${method} "${http.url}": context deadline exceeded`);
    throw new Error(`${method} "${http.url}": ${e.message}`);
  } finally {
    await dispatcher?.close();
  }
  const outputs: Outputs = { result: text };
  if (!http.successCondition) {
    if (statusCode >= 200 && statusCode < 300) return { phase: 'Succeeded', outputs };
    return { phase: 'Failed', message: `received non-2xx response code: ${statusCode}`, outputs };
  }
  const env = {
    request: {
      method: http.method ?? '',
      url: http.url,
      body: http.body ?? '',
      bodyBytes: http.bodyFrom?.bytes ?? '',
      headers: requestHeaders,
    },
    response: { statusCode, body: text, headers: responseHeaders },
  };
  const ok = evaluate(http.successCondition, env);
  if (typeof ok !== 'boolean') throw new Error(`unable to cast expression result '${String(ok)}' to bool`);
  if (!ok)
    return {
      phase: 'Failed',
      message: `successCondition '${http.successCondition}' evaluated false`,
      outputs,
    };
  return { phase: 'Succeeded', outputs };
}

/** Go's canonical MIME header key: "content-type" -> "Content-Type". */
function canonicalHeader(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map((p) => (p ? p[0].toUpperCase() + p.slice(1) : p))
    .join('-');
}
