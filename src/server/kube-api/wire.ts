// The Kubernetes REST wire format of the kube-api endpoint: URL routing, Status errors, bodies,
// discovery. Kept apart from the verbs so each part reads on its own.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject } from '../../model/meta.js';
import { kindAt, RESOURCE_KINDS, resourceFor, type KubeResource } from '../../store/kube/resources.js';
import { StoreError, type ResourceKind } from '../../store/types.js';
import { decodeProtobufObject } from './protobuf.js';

export interface Target {
  resource: KubeResource;
  /** '' for cluster-scoped kinds and all-namespace collections. */
  namespace: string;
  name?: string;
}

export type Route =
  { target: Target } | { discovery: { group: string; version: string } } | { index: 'api' | 'apis' };

export class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export const NO_ROUTE = 'the server could not find the requested resource';

export function route(pathname: string): Route | undefined {
  const seg = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (seg.length === 1 && (seg[0] === 'api' || seg[0] === 'apis')) return { index: seg[0] };
  let group: string;
  let version: string;
  let rest: string[];
  if (seg[0] === 'api' && seg.length >= 2) [group, version, rest] = ['', seg[1], seg.slice(2)];
  else if (seg[0] === 'apis' && seg.length >= 3) [group, version, rest] = [seg[1], seg[2], seg.slice(3)];
  else return undefined;
  if (rest.length === 0) return { discovery: { group, version } };
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 2) return undefined;
  const kind = kindAt(group, version, rest[0]);
  if (!kind) return undefined;
  const resource = resourceFor(kind);
  const name = rest[1];
  if (namespace && !resource.namespaced) return undefined;
  // A namespaced object is only addressed inside its namespace; the bare path lists all of them.
  if (resource.namespaced && !namespace && name !== undefined) return undefined;
  return { target: { resource, namespace, name } };
}

export function status(code: number, reason: string, message: string, details?: Record<string, string>) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  };
}

export function errorStatus(err: unknown, details: Record<string, string>) {
  if (err instanceof HttpError) return status(err.code, err.reason, err.message, details);
  if (err instanceof StoreError) {
    // The API server answers field validation with 422 Invalid and malformed requests with 400.
    if (err.reason === 'Invalid') {
      return / is invalid: /.test(err.message)
        ? status(422, 'Invalid', err.message, details)
        : status(400, 'BadRequest', err.message, details);
    }
    return status(err.code, err.reason, err.message, details);
  }
  return status(500, 'InternalError', (err as Error)?.message ?? String(err), details);
}

export function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/** The request body: JSON (any +json type), or for POSTs of Secrets and ConfigMaps also protobuf. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim();
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  if (type === PROTOBUF && body.length > 0) return decodeProtobufObject(body);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json'))
    throw new HttpError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json`,
    );
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, 'BadRequest', `the request body is not JSON: ${(err as Error).message}`);
  }
}

export function asObject(body: unknown): KubeObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'BadRequest', 'the request body must be a JSON object');
  }
  const obj = body as KubeObject;
  if (typeof obj.metadata !== 'object' || obj.metadata === null) obj.metadata = {};
  return obj;
}

/** The short names kubectl resolves (`kubectl get cm`, `kubectl get wf`), as the real API and Argo's CRDs declare them. */
const SHORT_NAMES: Partial<Record<ResourceKind, string[]>> = {
  Workflow: ['wf'],
  WorkflowTemplate: ['wftmpl'],
  ClusterWorkflowTemplate: ['clusterwftmpl', 'cwft'],
  CronWorkflow: ['cwf', 'cronwf'],
  WorkflowEventBinding: ['wfeb'],
  Pod: ['po'],
  ConfigMap: ['cm'],
  PersistentVolumeClaim: ['pvc'],
  ServiceAccount: ['sa'],
  Service: ['svc'],
  Deployment: ['deploy'],
  CustomResourceDefinition: ['crd', 'crds'],
};

export function discovery(group: string, version: string) {
  const resources = RESOURCE_KINDS.map(resourceFor)
    .filter((r) => r.group === group && r.version === version)
    .map((r) => ({
      name: r.plural,
      singularName: r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      ...(SHORT_NAMES[r.kind] ? { shortNames: SHORT_NAMES[r.kind] } : {}),
    }));
  if (resources.length === 0) throw new HttpError(404, 'NotFound', NO_ROUTE);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

/** `/api` (the core versions) and `/apis` (the groups), where kubectl starts to resolve a type name. */
export function discoveryIndex(which: 'api' | 'apis') {
  const all = RESOURCE_KINDS.map(resourceFor);
  if (which === 'api') return { kind: 'APIVersions', versions: ['v1'] };
  const groups = [...new Set(all.filter((r) => r.group).map((r) => `${r.group}/${r.version}`))].map((gv) => {
    const [name, version] = gv.split('/');
    const v = { groupVersion: gv, version };
    return { name, versions: [v], preferredVersion: v };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}
