// pods/exec and pods/log as the API server serves them: not itself, but by proxying to the kubelet
// that runs the pod (a real API server finds it through the pod's node: the Node's kubelet port).
// Our kubelet (`argo kubelet`, a process of its own) registers as a node does, with a Lease in
// kube-node-lease named after its node and renewed while it lives; the address of its endpoint
// is an annotation of that Lease, since we model no Node objects. The API server reads it on each
// request, so a kubelet that restarted on another port is found at its new one.
//
// The kubelet's endpoints have the real kubelet's paths: GET /exec/{namespace}/{pod}/{container}
// ?command=...&command=... answers with the whole outcome as JSON ({exitCode, stdout, stderr})
// instead of a stream, and any error as 500 with {message}; GET /containerLogs/{namespace}/{pod}/
// {container} takes pods/log's query (follow, sinceTime, sinceSeconds, tailLines, timestamps) and
// streams the log as text.
import type { Pod } from '../../model/pod.js';
import { leaseHolder, type Lease } from '../../store/lease.js';
import type { ResourceStore } from '../../store/types.js';
import type { ExecOutcome, PodExecHandler } from './exec.js';
import type { PodLogSource } from './server.js';
import { HttpError } from './wire.js';

/** Where kubelets keep their node Leases (as on a real cluster). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** On a node Lease: the base URL of that kubelet's endpoints. */
export const ANNOTATION_KUBELET_ENDPOINT = 'kubelet.argo-ts.io/endpoint';

/** The live kubelet for a pod: the one of its node, else (no node named) the only live one. */
async function kubeletFor(store: ResourceStore, pod: Pod | undefined): Promise<string | undefined> {
  const leases = (await store.list<Lease>('Lease', { namespace: NODE_LEASE_NAMESPACE })).items;
  const live = leases.filter(
    (l) => leaseHolder(l) !== undefined && l.metadata.annotations?.[ANNOTATION_KUBELET_ENDPOINT],
  );
  const node = pod?.spec.nodeName;
  const chosen = node ? live.find((l) => l.metadata.name === node) : live.length === 1 ? live[0] : undefined;
  return chosen?.metadata.annotations?.[ANNOTATION_KUBELET_ENDPOINT];
}

/**
 * GET `what` of the kubelet registered for the pod, e.g. exec/ns/pod/container. Rejects with an
 * Error saying which when there is no live kubelet or it cannot be reached.
 */
async function kubeletGet(
  store: ResourceStore,
  [what, namespace, pod, container]: [string, string, string, string],
  query: URLSearchParams,
  signal: AbortSignal,
): Promise<{ res: Response; endpoint: string }> {
  const endpoint = await kubeletFor(store, await store.get<Pod>('Pod', namespace, pod));
  if (!endpoint)
    throw new Error(
      `no live kubelet is registered for pod ${namespace}/${pod} (Leases in ${NODE_LEASE_NAMESPACE})`,
    );
  const path = [what, namespace, pod, container].map(encodeURIComponent).join('/');
  try {
    return { res: await fetch(`${endpoint}/${path}?${query}`, { signal }), endpoint };
  } catch (err) {
    throw new Error(`the kubelet at ${endpoint} is unreachable: ${(err as Error).message}`);
  }
}

/** Serves pods/exec by proxying each command to the kubelet registered for the pod. */
export function execThroughKubelet(store: ResourceStore): PodExecHandler {
  return async (namespace, pod, container, command) => {
    const query = new URLSearchParams(command.map((c): [string, string] => ['command', c]));
    const { res, endpoint } = await kubeletGet(
      store,
      ['exec', namespace, pod, container],
      query,
      AbortSignal.timeout(60_000),
    );
    const body = (await res.json().catch(() => ({}))) as Partial<ExecOutcome> & { message?: string };
    if (!res.ok) throw new Error(body.message ?? `the kubelet at ${endpoint} answered ${res.status}`);
    return { exitCode: body.exitCode ?? 126, stdout: body.stdout, stderr: body.stderr };
  };
}

/**
 * Serves pods/log by streaming the kubelet's containerLogs for the pod, until it ends or the
 * caller goes; no live kubelet, or one that cannot be reached, is the API server's 500.
 */
export function logsThroughKubelet(store: ResourceStore): PodLogSource {
  return async (namespace, pod, container, q, signal) => {
    let got: { res: Response; endpoint: string };
    try {
      got = await kubeletGet(
        store,
        ['containerLogs', namespace, pod, container],
        new URLSearchParams(q),
        signal,
      );
    } catch (err) {
      throw new HttpError(500, 'InternalError', (err as Error).message);
    }
    const { res, endpoint } = got;
    if (!res.ok || !res.body)
      throw new HttpError(
        500,
        'InternalError',
        `the kubelet at ${endpoint} answered ${res.status}: ${await res.text()}`,
      );
    return text(res.body);
  };
}

async function* text(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  try {
    for await (const chunk of body) yield decoder.decode(chunk, { stream: true });
  } catch {
    // The caller went (its abort ends the fetch) or the kubelet did: the stream just ends.
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}
