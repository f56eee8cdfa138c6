// Validation stops at the first problem, as Argo's does; it travels as an exception and callers on
// the way out prefix the message exactly where Argo's wrap their errors.

export interface ValidationProblem {
  /** Where in the validated object the problem is, e.g. `spec.templates[2].steps[0][1].template`. */
  path: string;
  /** Argo's message, the text `argo lint` prints after `in "<name>" (<Kind>): `. */
  message: string;
}

export class ValidationFailure extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ValidationFailure';
  }

  /** The same problem with `prefix` put before the message (Argo's `"%s %s"` wrapping). */
  wrap(prefix: string, separator = ' '): ValidationFailure {
    return new ValidationFailure(`${prefix}${separator}${this.message}`, this.path);
  }
}

/** Re-throws a ValidationFailure from `fn` with a prefix; other errors pass through. */
export function wrapping<T>(prefix: string, fn: () => T, separator = ' '): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ValidationFailure) throw e.wrap(prefix, separator);
    throw e;
  }
}

export function formatProblem(problem: ValidationProblem): string {
  return problem.message;
}
