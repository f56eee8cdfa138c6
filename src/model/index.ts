export * from './meta.js';
export * from './template.js';
export * from './workflow.js';
export * from './pod.js';
export * from './template-kinds.js';
