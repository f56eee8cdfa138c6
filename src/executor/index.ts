// The executor: runtimes that run a node's containers, and reading the logs they leave.
export { HostRuntime, type HostRuntimeOptions } from './host/runtime.js';
export type { IsolationMode, IsolationPreference } from './host/isolation.js';
export { readPodLogs, type LogLine, type ReadPodLogsOptions } from './logs.js';
export { containerLogPath, podDir, podLogDir } from './paths.js';
