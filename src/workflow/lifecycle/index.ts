// Workflow lifecycle operations as pure functions of the stored workflow: suspend, resume, stop,
// terminate, node set, retry and resubmit. The local client, the server and the kube backend all
// read the workflow, apply one of these and write the result back.
export * from './actor.js';
export * from './errors.js';
export { overrideParameters } from './parameters.js';
export * from './resubmit.js';
export * from './retry.js';
export * from './shutdown.js';
export * from './suspend.js';
export * from './suspended-nodes.js';
