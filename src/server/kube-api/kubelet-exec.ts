// pods/exec as the API server serves it: not itself, but by proxying to the kubelet that runs the
// pod (a real API server finds it through the pod's node: the Node's kubelet port). Our kubelet
// (`argo kubelet`, a process of its own) registers as a node does, with a Lease in
// kube-node-lease named after its node and renewed while it lives; the address of its exec
// endpoint is an annotation of that Lease, since we model no Node objects. The API server reads
// it on each exec, so a kubelet that restarted on another port is found at its new one.
//
// The kubelet's endpoint is GET /exec/{namespace}/{pod}/{container}?command=...&command=... (the
// real kubelet's path and query); it answers with the whole outcome as JSON ({exitCode, stdout,
// stderr}) instead of a stream, and any error as 500 with {message}.
import type { Pod } from '../../model/pod.js';
import { leaseHolder, type Lease } from '../../store/lease.js';
import type { ResourceStore } from '../../store/types.js';
import type { ExecOutcome, PodExecHandler } from './exec.js';

/** Where kubelets keep their node Leases (as on a real cluster). */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** On a node Lease: the base URL of that kubelet's exec endpoint. */
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

/** Serves pods/exec by proxying each command to the kubelet registered for the pod. */
export function execThroughKubelet(store: ResourceStore): PodExecHandler {
  return async (namespace, pod, container, command) => {
    const object = await store.get<Pod>('Pod', namespace, pod);
    const endpoint = await kubeletFor(store, object);
    if (!endpoint)
      throw new Error(
        `no live kubelet is registered for pod ${namespace}/${pod} (Leases in ${NODE_LEASE_NAMESPACE})`,
      );
    const query = new URLSearchParams(command.map((c): [string, string] => ['command', c]));
    const url = `${endpoint}/exec/${encodeURIComponent(namespace)}/${encodeURIComponent(pod)}/${encodeURIComponent(container)}?${query}`;
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
    } catch (err) {
      throw new Error(`the kubelet at ${endpoint} is unreachable: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as Partial<ExecOutcome> & { message?: string };
    if (!res.ok) throw new Error(body.message ?? `the kubelet at ${endpoint} answered ${res.status}`);
    return { exitCode: body.exitCode ?? 126, stdout: body.stdout, stderr: body.stderr };
  };
}
