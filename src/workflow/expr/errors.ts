// Errors raised by the expression language.

/**
 * A syntax or evaluation error in an expression. `message` reads
 * `<reason> at <column> in "<source>"`; `column` is 1-based and counts characters
 * (UTF-16 code units) from the start of the expression.
 */
export class ExprError extends Error {
  override readonly name = 'ExprError';
  constructor(
    readonly reason: string,
    readonly source: string,
    readonly column?: number,
  ) {
    super(
      column === undefined
        ? `${reason} in ${JSON.stringify(source)}`
        : `${reason} at ${column} in ${JSON.stringify(source)}`,
    );
  }
}

/**
 * Thrown by runtime helpers that do not know where in the source they are; the evaluator
 * turns it into an ExprError carrying the position of the node being evaluated.
 */
export class EvalFault extends Error {
  override readonly name = 'EvalFault';
}

export function fault(message: string): never {
  throw new EvalFault(message);
}
