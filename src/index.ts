// Library entry: `import { createClient } from 'argo-ts'`.
export type * from './model/index.js';
export type * from './client/types.js';
