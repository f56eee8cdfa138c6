export {
  validateClusterWorkflowTemplate,
  validateCronWorkflow,
  validateWorkflow,
  validateWorkflowTemplate,
} from './workflow.js';
export type { ValidateContext } from './workflow.js';
export type { TemplateGetter, TemplateResourceKind } from './run.js';
export { formatProblem, type ValidationProblem } from './failure.js';
export {
  decodeAs,
  decodeErrorMessage,
  decodeResource,
  type DecodeOptions,
  type DecodeResult,
} from './decode.js';
export { FIELD_TABLE, RESOURCE_KINDS, type ResourceKind } from './fields.js';
export { cronScheduleError, goDurationError, timeZoneError } from './cron.js';
export {
  formatLintResult,
  formatLintResults,
  formatLintSummary,
  lintSucceeded,
  type LintFileResult,
  type LintFormatOptions,
} from './lint-format.js';
export {
  ALL_LINT_KINDS,
  lintManifests,
  objectLabel,
  offlineTemplateGetter,
  parseLintKinds,
  type LintKind,
  type LintOptions,
} from './lint.js';
