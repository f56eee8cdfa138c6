// The hand-written field table must match the API: every field it knows exists in the schema with a
// compatible type, and every field the schema's resource graph has is known (so strict decoding
// never rejects a valid manifest, nor accepts an invalid one).
import { describe, expect, it } from 'vitest';
import {
  FIELD_TABLE,
  expandFields,
  parseTypeExpr,
  type TypeExpr,
} from '../../../src/workflow/validate/fields.js';
import { readUpstreamJson } from '../../helpers/upstream.js';

const ARGO = 'io.argoproj.workflow.v1alpha1.';
const PREFIXES: [string, string][] = [
  ['io.k8s.api.core.v1.', 'core.'],
  ['io.k8s.apimachinery.pkg.apis.meta.v1.', 'meta.'],
  ['io.k8s.api.policy.v1.', 'policy.'],
];
// Schema definitions that the table models as special scalar kinds rather than structs.
const SPECIAL: Record<string, string> = {
  [`${ARGO}Item`]: 'item',
  [`${ARGO}Plugin`]: 'plugin',
  [`${ARGO}Amount`]: 'amount',
  [`${ARGO}ParallelSteps`]: 'psteps',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': 'ios',
  'io.k8s.apimachinery.pkg.api.resource.Quantity': 'qty',
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': 'time',
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': 'any',
};

interface SchemaProp {
  $ref?: string;
  type?: string;
  format?: string;
  items?: SchemaProp;
  additionalProperties?: SchemaProp;
}
type Definitions = Record<string, { properties?: Record<string, SchemaProp>; type?: string }>;

function tableName(def: string): string {
  if (def.startsWith(ARGO)) return def.slice(ARGO.length);
  for (const [long, short] of PREFIXES) if (def.startsWith(long)) return short + def.slice(long.length);
  return def;
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** Describes a table type and a schema property the same way so they can be compared. */
function describeTable(t: TypeExpr): string {
  switch (t.kind) {
    case 'list':
      return `[]${describeTable(t.of)}`;
    case 'map':
      return `{}${describeTable(t.of)}`;
    case 'struct':
      return t.name;
    case 'scalar':
      switch (t.scalar) {
        case 's':
        case 'anystr':
          return 'string';
        case 'bytes':
          return 'string';
        case 'b':
          return 'boolean';
        case 'i32':
        case 'i64':
        case 'u64':
          return 'integer';
        case 'f64':
          return 'number';
        default:
          return t.scalar;
      }
  }
}

function describeSchema(p: SchemaProp): string {
  if (p.$ref) {
    const def = refName(p.$ref);
    return SPECIAL[def] ?? tableName(def);
  }
  if (p.type === 'array' && p.items) return `[]${describeSchema(p.items)}`;
  if (p.type === 'object' && p.additionalProperties) return `{}${describeSchema(p.additionalProperties)}`;
  return p.type ?? 'any';
}

describe('field table against api/schema.json', () => {
  const defs = readUpstreamJson<{ definitions: Definitions }>('api/schema.json').definitions;

  // Every struct reachable from the four resources.
  const reachable = new Set<string>();
  const walk = (def: string): void => {
    if (reachable.has(def) || SPECIAL[def]) return;
    reachable.add(def);
    const visit = (p: SchemaProp): void => {
      if (p.$ref) walk(refName(p.$ref));
      if (p.items) visit(p.items);
      if (p.additionalProperties) visit(p.additionalProperties);
    };
    for (const p of Object.values(defs[def]?.properties ?? {})) visit(p);
  };
  for (const kind of ['Workflow', 'WorkflowTemplate', 'ClusterWorkflowTemplate', 'CronWorkflow'])
    walk(ARGO + kind);

  it('knows every type and field of the resource graph', () => {
    const missing: string[] = [];
    for (const def of reachable) {
      const name = tableName(def);
      if (!(name in FIELD_TABLE)) {
        missing.push(`type ${name}`);
        continue;
      }
      const known = new Set(expandFields(name).map(([f]) => f));
      for (const field of Object.keys(defs[def].properties ?? {}))
        if (!known.has(field)) missing.push(`${name}.${field}`);
    }
    expect(missing).toEqual([]);
  });

  it('has no field the schema lacks, and every type agrees', () => {
    const extra: string[] = [];
    const mismatched: string[] = [];
    for (const name of Object.keys(FIELD_TABLE)) {
      const def = Object.keys(defs).find((d) => tableName(d) === name && !SPECIAL[d]);
      if (!def) {
        extra.push(`type ${name}`);
        continue;
      }
      const props = defs[def].properties ?? {};
      for (const [field, type] of expandFields(name)) {
        const prop = props[field];
        if (!prop) {
          extra.push(`${name}.${field}`);
          continue;
        }
        const mine = describeTable(parseTypeExpr(type));
        const theirs = describeSchema(prop);
        if (mine !== theirs) mismatched.push(`${name}.${field}: table ${mine}, schema ${theirs}`);
      }
    }
    expect(extra).toEqual([]);
    expect(mismatched).toEqual([]);
  });
});
