// Library entry: `import { createClient } from 'argo-ts'` gives the ArgoClient the CLI uses, on
// whichever backend the options and environment choose (Argo Server, Kubernetes or local).
export { createClient, chooseBackend } from './client/index.js';
export type { BackendChoice, ClientOptions, HttpFlags } from './client/index.js';
export type { EngineMode } from './client/local/client.js';
export { ArgoError } from './client/types.js';
export type * from './client/types.js';
export type * from './model/index.js';
