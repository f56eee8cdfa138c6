// The install layouts in deploy/ as a user meets them: `kubectl kustomize` renders each, what it
// renders hangs together (bindings name roles and accounts that are installed, Services select the
// Deployments' pods, every argoproj.io kind has its CRD) and grants no more than the controller,
// server and executor use; and the real kubectl applies it to the fake API server, then finds
// nothing to change when it is applied again with `kubectl apply -k`; the controller then starts as
// its Deployment runs it, with only its service account's rights, from the ConfigMap installed.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_VERSIONS } from '../../src/store/semantics.js';
import { resourceFor } from '../../src/store/kube/resources.js';
import type { ResourceKind } from '../../src/store/types.js';
import { startFakeApiServer, type FakeApiServer, type FakeRule } from '../helpers/fake-apiserver.js';
import { until } from '../helpers/until.js';
import { cliWithHome, repoRoot, runProcess, type Cli, type CliResult } from './cli.js';

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Binding extends Obj {
  roleRef: { kind: string; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
}
interface Container {
  name: string;
  image: string;
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe?: { httpGet: { path: string; port: string; scheme?: string } };
  readinessProbe?: { httpGet: { path: string; port: string; scheme?: string } };
}
interface Deployment extends Obj {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: { serviceAccountName: string; containers: Container[] };
    };
  };
}
interface Crd extends Obj {
  spec: { group: string; scope: string; names: { kind: string; plural: string } };
}

const NAMESPACE = 'argo';
/** Argo kinds upstream's controller uses that our store does not hold, but a cluster install defines. */
const CLUSTER_ONLY_KINDS = ['WorkflowTaskSet', 'WorkflowArtifactGCTask'];

let cli: Cli;

function kubectl(args: string[], kubeconfig?: string): Promise<CliResult> {
  const env = { ...process.env };
  delete env.KUBECONFIG;
  const config = kubeconfig ? ['--kubeconfig', kubeconfig] : [];
  return runProcess('kubectl', [...config, ...args], env, repoRoot, 60_000);
}

async function ok(args: string[], kubeconfig?: string): Promise<string> {
  const r = await kubectl(args, kubeconfig);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function ofKind<T extends Obj>(objs: Obj[], kind: string): T[] {
  return objs.filter((o) => o.kind === kind) as T[];
}

function named<T extends Obj>(objs: Obj[], kind: string, name: string): T {
  const found = ofKind<T>(objs, kind).find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the rendered install`);
  return found;
}

/** The rules bound to a service account of the install's namespace, each with where it holds. */
function rulesOf(objs: Obj[], account: string): { rule: Rule; clusterWide: boolean }[] {
  const bindings = [...ofKind<Binding>(objs, 'RoleBinding'), ...ofKind<Binding>(objs, 'ClusterRoleBinding')];
  return bindings
    .filter((b) =>
      b.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === NAMESPACE),
    )
    .flatMap((b) => {
      const role = named<Obj & { rules: Rule[] }>(objs, b.roleRef.kind, b.roleRef.name);
      return role.rules.map((rule) => ({ rule, clusterWide: b.kind === 'ClusterRoleBinding' }));
    });
}

function allows(rules: { rule: Rule }[], group: string, resource: string, verb: string): boolean {
  return rules.some(
    ({ rule }) =>
      rule.apiGroups.includes(group) && rule.resources.includes(resource) && rule.verbs.includes(verb),
  );
}

/** What `kubectl apply` calls an object in its output: `deployment.apps/argo-server`. */
function applyName(o: Obj): string {
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : `.${o.apiVersion.slice(0, slash)}`;
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
}

/** A process of its own whose output the test reads as it comes. */
function startProcess(file: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    logged: (what: RegExp): Promise<RegExpExecArray> =>
      until(`output matching ${what}:\n${out}`, 30_000, () => what.exec(out) ?? undefined),
  };
}

beforeAll(() => {
  cli = cliWithHome();
});

afterAll(() => cli?.dispose());

describe.each(['namespace-install', 'cluster-install'])('deploy/%s', (layout) => {
  let objs: Obj[];
  let rendered: string;

  beforeAll(async () => {
    rendered = await ok(['kustomize', path.join(repoRoot, 'deploy', layout)]);
    objs = parseAllDocuments(rendered).map((d) => d.toJS() as Obj);
  });

  it('defines a CRD for every argoproj.io kind, with the plural and scope the API serves it under', () => {
    const crds = ofKind<Crd>(objs, 'CustomResourceDefinition');
    const argoKinds = (Object.keys(API_VERSIONS) as ResourceKind[]).filter((k) =>
      API_VERSIONS[k].startsWith('argoproj.io/'),
    );
    expect(crds.map((c) => c.spec.names.kind).sort()).toEqual([...argoKinds, ...CLUSTER_ONLY_KINDS].sort());
    for (const kind of argoKinds) {
      const r = resourceFor(kind);
      const crd = crds.find((c) => c.spec.names.kind === kind)!;
      expect(crd.metadata.name).toBe(`${r.plural}.argoproj.io`);
      expect(crd.spec.scope).toBe(r.namespaced ? 'Namespaced' : 'Cluster');
    }
  });

  it('puts every namespaced object in the install namespace and wires what refers to what', () => {
    for (const o of objs) {
      const clusterScoped = ['CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding'].includes(
        o.kind,
      );
      expect(o.metadata.namespace, applyName(o)).toBe(clusterScoped ? undefined : NAMESPACE);
    }
    const accounts = ofKind(objs, 'ServiceAccount').map((a) => a.metadata.name);
    for (const b of [
      ...ofKind<Binding>(objs, 'RoleBinding'),
      ...ofKind<Binding>(objs, 'ClusterRoleBinding'),
    ]) {
      expect(() => named(objs, b.roleRef.kind, b.roleRef.name), b.metadata.name).not.toThrow();
      for (const s of b.subjects) {
        if (s.name === 'default') continue; // the namespace's own account, which workflows run under
        expect(accounts, b.metadata.name).toContain(s.name);
      }
    }
    const deployments = ofKind<Deployment>(objs, 'Deployment');
    for (const d of deployments) {
      expect(accounts).toContain(d.spec.template.spec.serviceAccountName);
      expect(d.spec.template.metadata.labels).toMatchObject(d.spec.selector.matchLabels);
    }
    for (const svc of ofKind<
      Obj & { spec: { selector: Record<string, string>; ports: { targetPort: string }[] } }
    >(objs, 'Service')) {
      const target = deployments.find((d) =>
        Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(target, svc.metadata.name).toBeDefined();
      const ports = target!.spec.template.spec.containers[0].ports.map((p) => p.name);
      for (const p of svc.spec.ports) expect(ports).toContain(p.targetPort);
    }
  });

  it('runs the controller and the server from the one image, with their probes and ConfigMap', () => {
    const controller = named<Deployment>(objs, 'Deployment', 'workflow-controller').spec.template.spec
      .containers[0];
    const server = named<Deployment>(objs, 'Deployment', 'argo-server').spec.template.spec.containers[0];
    expect(controller.image).toBe(server.image);
    expect(controller.args.slice(0, 1)).toEqual(['workflow-controller']);
    const configmap = controller.args[controller.args.indexOf('--configmap') + 1];
    expect(() => named(objs, 'ConfigMap', configmap)).not.toThrow();
    expect(controller.args[controller.args.indexOf('--executor-image') + 1]).toBe(controller.image);
    expect(controller.livenessProbe!.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(controller.ports).toEqual([
      { name: 'metrics', containerPort: 9090 },
      { name: 'health', containerPort: 6060 },
    ]);
    expect(server.args[0]).toBe('server');
    expect(server.ports).toEqual([{ name: 'web', containerPort: 2746 }]);
    expect(server.readinessProbe!.httpGet).toEqual({ path: '/', port: 'web', scheme: 'HTTPS' });
    const namespaced = layout === 'namespace-install';
    expect(controller.args.includes('--namespaced')).toBe(namespaced);
    expect(server.args.includes('--namespaced')).toBe(namespaced);
  });

  it('grants the controller, server and executor what they use, in the scope of the install', () => {
    const controller = rulesOf(objs, 'argo');
    const wanted: [string, string, string[]][] = [
      ['', 'pods', ['create', 'get', 'list', 'watch', 'patch', 'delete']],
      ['', 'pods/exec', ['create']],
      ['', 'pods/log', ['get']],
      ['', 'configmaps', ['get', 'list', 'watch']],
      ['', 'secrets', ['get']],
      ['', 'persistentvolumeclaims', ['create', 'delete']],
      ['', 'events', ['create', 'patch']],
      ['argoproj.io', 'workflows', ['create', 'get', 'list', 'watch', 'update', 'patch', 'delete']],
      ['argoproj.io', 'cronworkflows', ['get', 'list', 'watch', 'update', 'patch']],
      ['argoproj.io', 'workflowtemplates', ['get', 'list', 'watch']],
      ['argoproj.io', 'clusterworkflowtemplates', ['get', 'list', 'watch']],
      ['argoproj.io', 'workflowtaskresults', ['get', 'list', 'watch', 'delete']],
      ['coordination.k8s.io', 'leases', ['create', 'get', 'update']],
    ];
    for (const [group, resource, verbs] of wanted) {
      for (const verb of verbs)
        expect(allows(controller, group, resource, verb), `${verb} ${resource}`).toBe(true);
    }
    const server = rulesOf(objs, 'argo-server');
    for (const verb of ['get', 'list', 'watch', 'create', 'delete'])
      expect(allows(server, 'argoproj.io', 'workflows', verb)).toBe(true);
    expect(allows(server, '', 'pods/log', 'get')).toBe(true);
    const executor = rulesOf(objs, 'default');
    expect(allows(executor, 'argoproj.io', 'workflowtaskresults', 'create')).toBe(true);
    expect(allows(executor, 'argoproj.io', 'workflowtaskresults', 'patch')).toBe(true);

    // Least privilege: no wildcards, Secrets are read one by one, nobody may change RBAC or pods/exec
    // beyond the controller, and the namespace install grants nothing outside its namespace.
    for (const { rule } of [...controller, ...server, ...executor]) {
      expect([...rule.apiGroups, ...rule.resources, ...rule.verbs]).not.toContain('*');
      expect(rule.apiGroups).not.toContain('rbac.authorization.k8s.io');
      if (rule.resources.includes('secrets')) expect(rule.verbs).toEqual(['get']);
    }
    expect(allows(server, '', 'pods/exec', 'create')).toBe(false);
    expect(allows(executor, '', 'pods', 'create')).toBe(false);
    const clusterWide = [...controller, ...server, ...executor].some((r) => r.clusterWide);
    expect(clusterWide).toBe(layout === 'cluster-install');
  });

  describe('applied with kubectl to the fake API server', () => {
    let api: FakeApiServer;
    let guarded: FakeApiServer;
    let kubeconfig: string;

    beforeAll(async () => {
      api = await startFakeApiServer();
      kubeconfig = api.writeKubeconfig(cli.home, { file: `${layout}.kubeconfig`, namespace: NAMESPACE });
      // The same cluster behind a second endpoint that checks tokens (kubectl sends none over
      // plain HTTP, so it uses the first): the controller acts with only what the install grants
      // its service account, as it does in its pod.
      const controllerRules: FakeRule[] = rulesOf(objs, 'argo').map(({ rule, clusterWide }) => ({
        verbs: rule.verbs,
        resources: rule.resources,
        apiGroups: rule.apiGroups,
        namespaces: clusterWide ? undefined : [NAMESPACE],
      }));
      guarded = await startFakeApiServer({
        store: api.store,
        users: { controller: { name: `system:serviceaccount:${NAMESPACE}:argo`, rules: controllerRules } },
      });
    });

    afterAll(async () => {
      await guarded?.close();
      await api?.close();
    });

    it('creates every object, then finds nothing to change on `kubectl apply -k`', async () => {
      const file = path.join(cli.home, `${layout}.yaml`);
      writeFileSync(file, rendered);
      const created = await ok(['apply', '-f', file], kubeconfig);
      expect(created.trim().split('\n').sort()).toEqual(objs.map((o) => `${applyName(o)} created`).sort());

      const again = await ok(['apply', '-k', path.join(repoRoot, 'deploy', layout)], kubeconfig);
      expect(again.trim().split('\n').sort()).toEqual(objs.map((o) => `${applyName(o)} unchanged`).sort());

      const stored = await api.store.get<Deployment>('Deployment', NAMESPACE, 'workflow-controller');
      expect(stored?.spec).toEqual(named<Deployment>(objs, 'Deployment', 'workflow-controller').spec);
      const listed = await ok(['get', 'crd', '-o', 'name'], kubeconfig);
      expect(listed.trim().split('\n')).toHaveLength(ofKind(objs, 'CustomResourceDefinition').length);
    }, 90_000);

    it('runs the controller as its Deployment does, with its service account, from the installed ConfigMap', async () => {
      const deployment = named<Deployment>(objs, 'Deployment', 'workflow-controller');
      const [container] = deployment.spec.template.spec.containers;
      await ok(
        [
          'patch',
          'configmap',
          'workflow-controller-configmap',
          '--type',
          'merge',
          '-p',
          '{"data":{"instanceID":"installed"}}',
        ],
        kubeconfig,
      );
      const asController = guarded.writeKubeconfig(cli.home, {
        file: `${layout}-controller.kubeconfig`,
        namespace: NAMESPACE,
        token: 'controller',
      });
      const controller = startProcess(
        process.execPath,
        [path.join(repoRoot, 'bin/argo.js'), ...container.args, '--kubeconfig', asController],
        {
          ...process.env,
          ARGO_LOCAL: '',
          ARGO_SERVER: '',
          KUBECONFIG: '',
          ARGO_HOME: path.join(cli.home, `${layout}-controller-home`),
          LEADER_ELECTION_IDENTITY: 'workflow-controller-7d9c',
          ARGO_TS_HEALTH_PORT: '0',
          ARGO_TS_METRICS_PORT: '0',
        },
      );
      try {
        const managed = layout === 'namespace-install' ? NAMESPACE : '';
        await controller.logged(
          new RegExp(
            `msg="Workflow Controller" .*executorImage=argo-ts:latest namespace=${NAMESPACE} ` +
              `managedNamespace=${managed} configMap=workflow-controller-configmap instanceID=installed`,
          ),
        );
        // Its controllers started with the rights the install grants: the health probe passes.
        const port = (await controller.logged(/msg="Starting health check server" port=(\d+)/))[1];
        await until(`the controller healthy:\n${controller.output()}`, 20_000, async () => {
          const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          return res?.status === 200 || undefined;
        });
        const lease = await api.store.get<Obj & { spec: { holderIdentity?: string } }>(
          'Lease',
          NAMESPACE,
          'workflow-controller',
        );
        expect(lease?.spec.holderIdentity).toBe('workflow-controller-7d9c');
        // An edit of the installed ConfigMap is taken without a restart.
        await ok(
          [
            'patch',
            'configmap',
            'workflow-controller-configmap',
            '--type',
            'merge',
            '-p',
            '{"data":{"instanceID":"edited"}}',
          ],
          kubeconfig,
        );
        await controller.logged(
          /reloading the configuration[\s\S]*msg="Workflow Controller" .*instanceID=edited/,
        );
        expect(controller.output()).not.toMatch(/forbidden|cannot start the controllers/i);
        // Granted no cluster-scoped kinds, a namespaced install runs without them, saying so as upstream's.
        expect(controller.output().includes("doesn't have RBAC access for ClusterWorkflowTemplates")).toBe(
          layout === 'namespace-install',
        );
      } finally {
        controller.child.kill('SIGTERM');
      }
      expect(await controller.exited).toBe(0);
    }, 90_000);
  });
});
