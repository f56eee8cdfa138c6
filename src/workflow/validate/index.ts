export {
  validateClusterWorkflowTemplate,
  validateCronWorkflow,
  validateWorkflow,
  validateWorkflowTemplate,
} from './workflow.js';
export type { ValidateContext } from './workflow.js';
export type { TemplateGetter, TemplateResourceKind } from './run.js';
export { formatProblem, type ValidationProblem } from './failure.js';
export { decodeErrorMessage, decodeResource, type DecodeOptions, type DecodeResult } from './decode.js';
export { FIELD_TABLE, RESOURCE_KINDS, type ResourceKind } from './fields.js';
export { cronScheduleError, timeZoneError } from './cron.js';
export { formatLintResults, type LintFileResult, type LintFormatOptions } from './lint-format.js';
export { lintManifests, objectLabel, type LintKind, type LintOptions } from './lint.js';
