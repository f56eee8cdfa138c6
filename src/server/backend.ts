// What the Argo Server serves from. The workflow and template services are the client layer's
// operations (the same ones the CLI uses, so the server answers exactly as the local backend does);
// kinds the client layer does not carry (cron workflows, sync limits, event bindings) come from the
// ResourceStore directly. The operations' interface is the model's (model/service.ts): the CLI
// composes the server with a concrete backend, so the server never imports the client layer.
import type { ArgoClient, VersionInfo } from '../model/service.js';
import type { WorkflowHydrator } from '../persist/hydrator.js';
import type { ResourceStore } from '../store/types.js';
import type { ArtifactReader } from './artifacts.js';
import type { WorkflowArchive } from './archive.js';
import type { CallerFactory } from './caller.js';

/** The client-layer operations the routes call. */
export type WorkflowBackend = Omit<ArgoClient, 'backend' | 'namespace' | 'close' | 'getVersion'>;

export interface ServerDeps {
  backend: WorkflowBackend;
  store: ResourceStore;
  /** Archived workflows; the null archive answers as upstream does without a persistence config. */
  archive?: WorkflowArchive;
  artifacts?: ArtifactReader;
  /** Puts back the nodes of listed workflows stored elsewhere (node-status offload) when a list's fields keep them. */
  hydrator?: Pick<WorkflowHydrator, 'hydrate'>;
  version: () => VersionInfo;
  /**
   * Client auth mode over the Kubernetes API: the backend and store a bearer token stands for. With
   * it, client mode accepts any bearer token and the Kubernetes API judges it (401/403); without it,
   * client mode accepts only the server's own token.
   */
  forCaller?: CallerFactory;
}
