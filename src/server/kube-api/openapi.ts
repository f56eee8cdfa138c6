// The OpenAPI v3 discovery kubectl reads before `apply` and `create`. kubectl validates a manifest
// on the client (with OpenAPI v2 schemas) unless the server's PATCH operation for the kind takes
// the `fieldValidation` query parameter; we publish just that much per kind, so kubectl leaves
// validation to the server (where the store checks what it needs) instead of failing on a missing
// schema. The PATCH operations declare no request body, so client-side apply computes its
// strategic merge patches from kubectl's built-in types, as with an older API server.
import { groupVersionPath, RESOURCE_KINDS, resourceFor } from '../../store/kube/resources.js';

function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCE_KINDS.map(resourceFor)) seen.set(`${r.group}/${r.version}`, r);
  return [...seen.values()];
}

/** GET /openapi/v3: where each group version's document is. */
export function openApiIndex() {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const { group, version } of groupVersions()) {
    const gv = groupVersionPath(group, version).slice(1);
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}` };
  }
  return { paths };
}

/** GET /openapi/v3/api/v1, /openapi/v3/apis/<group>/<version>; undefined for another path. */
export function openApiDocument(pathname: string) {
  const gv = groupVersions().find((g) => `/openapi/v3${groupVersionPath(g.group, g.version)}` === pathname);
  if (!gv) return undefined;
  const paths: Record<string, unknown> = {};
  for (const r of RESOURCE_KINDS.map(resourceFor)) {
    if (r.group !== gv.group || r.version !== gv.version) continue;
    const base = groupVersionPath(r.group, r.version);
    const at = r.namespaced
      ? `${base}/namespaces/{namespace}/${r.plural}/{name}`
      : `${base}/${r.plural}/{name}`;
    paths[at] = {
      patch: {
        'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
        parameters: [{ name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } }],
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'unversioned' }, paths };
}
