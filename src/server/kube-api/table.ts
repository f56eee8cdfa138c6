// The server-side printing kubectl asks for: `kubectl get` sends
// `Accept: application/json;as=Table;v=v1;g=meta.k8s.io, application/json` and prints the columns
// the server chooses. The columns here are those the real API server (core kinds) and Argo's CRDs
// (additionalPrinterColumns) declare; ages are rendered on the server, as the API server does.
import type { IncomingMessage } from 'node:http';
import type { KubeObject } from '../../model/meta.js';
import type { ResourceKind } from '../../store/types.js';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  description: string;
  priority?: number;
  cell: (obj: KubeObject, now: number) => string | number;
}

type Loose = KubeObject & {
  data?: Record<string, unknown>;
  binaryData?: Record<string, unknown>;
  type?: string;
  status?: { phase?: string; message?: string; startedAt?: string };
};

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (o) => o.metadata.name ?? '',
};

const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'The time since the object was created.',
  cell: (o, now) => ageOf(o.metadata.creationTimestamp, now),
};

const DATA: Column = {
  name: 'Data',
  type: 'integer',
  description: 'The number of keys in data and binaryData.',
  cell: (o) =>
    Object.keys((o as Loose).data ?? {}).length + Object.keys((o as Loose).binaryData ?? {}).length,
};

const PHASE: Column = {
  name: 'Status',
  type: 'string',
  description: 'The phase of the object.',
  cell: (o) => (o as Loose).status?.phase ?? '',
};

const COLUMNS: Partial<Record<ResourceKind, Column[]>> = {
  ConfigMap: [NAME, DATA, AGE],
  Secret: [
    NAME,
    {
      name: 'Type',
      type: 'string',
      description: 'The type of the secret.',
      cell: (o) => (o as Loose).type ?? '',
    },
    DATA,
    AGE,
  ],
  Pod: [NAME, PHASE, AGE],
  // Argo's Workflow CRD prints Status and Age (from status.startedAt), and Message in -o wide.
  Workflow: [
    NAME,
    PHASE,
    {
      name: 'Age',
      type: 'date',
      description: 'When the workflow was started',
      cell: (o, now) => ageOf((o as Loose).status?.startedAt, now),
    },
    {
      name: 'Message',
      type: 'string',
      description: 'Human readable message indicating details about why the workflow is in this condition.',
      priority: 1,
      cell: (o) => (o as Loose).status?.message ?? '',
    },
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether the request's Accept header asks for a meta.k8s.io Table (v1 or v1beta1), and which. */
export function tableVersionWanted(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.accept ?? '').split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'Table' && params.get('g') === 'meta.k8s.io') {
      const v = params.get('v');
      if (v === 'v1' || v === 'v1beta1') return v;
    }
  }
  return undefined;
}

/** A Table of the objects; `columns: false` leaves the column definitions out (watch events after the first). */
export function toTable(
  kind: ResourceKind,
  objects: KubeObject[],
  opts: {
    version: string;
    includeObject: IncludeObject;
    resourceVersion?: string;
    continue?: string;
    columns?: boolean;
  },
) {
  const columns = COLUMNS[kind] ?? [NAME, AGE];
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${opts.version}`,
    metadata: { resourceVersion: opts.resourceVersion, continue: opts.continue },
    columnDefinitions:
      opts.columns === false
        ? []
        : columns.map(({ name, type, format, description, priority }) => ({
            name,
            type,
            format: format ?? '',
            description,
            priority: priority ?? 0,
          })),
    rows: objects.map((obj) => ({
      cells: columns.map((c) => c.cell(obj, now)),
      object: rowObject(obj, opts.includeObject, opts.version),
    })),
  };
}

function rowObject(obj: KubeObject, include: IncludeObject, version: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** The API server's short age: 42s, 3m12s, 15m, 4h5m, 20h, 3d4h, 30d, 2y (k8s.io/apimachinery's HumanDuration). */
export function ageOf(timestamp: string | undefined, now: number): string {
  if (!timestamp) return '<unknown>';
  const ms = now - Date.parse(timestamp);
  if (Number.isNaN(ms)) return '<unknown>';
  const s = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(s / 60);
  const h = Math.floor(s / 3600);
  const d = Math.floor(s / 86400);
  if (s < 120) return `${s}s`;
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (h < 3) return `${m}m`;
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 730) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}
