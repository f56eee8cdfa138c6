// A step's or task's `when`, after `{{...}}` substitution, evaluated as Argo does: with
// govaluate, where bare words are strings (`heads == heads`), quotes of either kind make
// strings, `=~`/`!~` match Go regular expressions and `in` takes a parenthesised list.
import {
  checkSyntax,
  compilePatterns,
  evaluateStage,
  planStages,
  showValue,
  tokenize,
  type GovToken,
} from './expr/govaluate.js';

/** The condition could not be parsed or evaluated, or did not yield a boolean. */
export class WhenError extends Error {
  override readonly name = 'WhenError';
  constructor(
    message: string,
    readonly condition: string,
  ) {
    super(message);
  }
}

const cache = new Map<string, boolean | WhenError>();

/**
 * Evaluates a substituted `when` condition. An empty condition is true.
 * Throws WhenError with Argo's messages:
 *  - `Invalid 'when' expression '<c>': <reason>` (with a hint to quote values on invalid tokens)
 *  - `Failed to evaluate 'when' expresion '<c>': <reason>`
 *  - `Expected boolean evaluation for '<c>'. Got <value>`
 */
export function evaluateWhen(condition: string): boolean {
  if (condition === '') return true;
  let result = cache.get(condition);
  if (result === undefined) {
    try {
      result = evaluate(condition);
    } catch (e) {
      if (!(e instanceof WhenError)) throw e;
      result = e;
    }
    if (cache.size > 2000) cache.clear();
    cache.set(condition, result);
  }
  if (result instanceof WhenError) throw result;
  return result;
}

/**
 * A CronWorkflow's `when` after substitution. Unlike a step's, Argo evaluates it with plain
 * govaluate: bare words are variables (and fail, as there are none) and errors are govaluate's own.
 */
export function evaluateCronWhen(condition: string): boolean {
  if (condition === '') return true;
  let value: unknown;
  try {
    const tokens = compilePatterns(tokenize(condition));
    checkSyntax(tokens);
    value = evaluateStage(planStages(tokens));
  } catch (e) {
    throw new WhenError((e as Error).message, condition);
  }
  if (typeof value !== 'boolean') {
    throw new WhenError(`Expected boolean evaluation for '${condition}'. Got ${showValue(value)}`, condition);
  }
  return value;
}

function evaluate(when: string): boolean {
  let tokens: GovToken[];
  try {
    tokens = tokenize(when);
    checkSyntax(tokens);
    tokens = compilePatterns(tokens);
    planStages(tokens);
  } catch (e) {
    const reason = (e as Error).message;
    const hint = reason.includes('Invalid token')
      ? ' (hint: try wrapping the affected expression in quotes ("))'
      : '';
    throw new WhenError(`Invalid 'when' expression '${when}': ${reason}${hint}`, when);
  }
  // Argo turns variables (bare words) into strings so `foo != bar` compares two words.
  const asStrings = tokens.map((t): GovToken =>
    t.kind === 'VARIABLE' ? { kind: 'STRING', value: t.value } : t,
  );
  let plan;
  try {
    checkSyntax(asStrings);
    plan = planStages(compilePatterns(asStrings));
  } catch (e) {
    throw new WhenError(`Failed to parse 'when' expression '${when}': ${(e as Error).message}`, when);
  }
  let value: unknown;
  try {
    value = evaluateStage(plan);
  } catch (e) {
    throw new WhenError(`Failed to evaluate 'when' expresion '${when}': ${(e as Error).message}`, when);
  }
  if (typeof value !== 'boolean') {
    throw new WhenError(`Expected boolean evaluation for '${when}'. Got ${showValue(value)}`, when);
  }
  return value;
}
