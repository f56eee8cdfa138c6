// Stand-in values for what is only known at runtime (parameters without values, pod names).
// Validation substitutes them so that checks after substitution see "some value".

export const PLACEHOLDER_PREFIX = '__argo__internal__placeholder-';

export class Placeholders {
  private next = 0;

  nextPlaceholder(): string {
    return `${PLACEHOLDER_PREFIX}${this.next++}`;
  }
}

export function isPlaceholder(text: string): boolean {
  return text.startsWith(PLACEHOLDER_PREFIX);
}
