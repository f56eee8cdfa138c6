// `{{...}}` tags as Argo's template engine (fasttemplate) sees them: the text between `{{` and the
// next `}}`. Tags starting with `=` are expressions and are not checked by name.

export class UnterminatedTagError extends Error {}

function unterminated(template: string, rest: string): UnterminatedTagError {
  return new UnterminatedTagError(
    `cannot find end tag=${JSON.stringify('}}')} in the template=${JSON.stringify(template)} starting from ${JSON.stringify(rest)}`,
  );
}

/** Calls `fn` with each tag in order; throws UnterminatedTagError for a `{{` without `}}`. */
export function forEachTag(text: string, fn: (tag: string) => void): void {
  let pos = 0;
  for (;;) {
    const start = text.indexOf('{{', pos);
    if (start < 0) return;
    const end = text.indexOf('}}', start + 2);
    if (end < 0) throw unterminated(text, text.slice(start + 2));
    fn(text.slice(start + 2, end));
    pos = end + 2;
  }
}

/**
 * Replaces tags: `lookup` returns the replacement for a simple tag (trimmed), or undefined to leave
 * the tag as written. Expression tags are left as written.
 */
export function replaceTags(text: string, lookup: (name: string) => string | undefined): string {
  if (!text.includes('{{')) return text;
  let out = '';
  let pos = 0;
  for (;;) {
    const start = text.indexOf('{{', pos);
    if (start < 0) return out + text.slice(pos);
    const end = text.indexOf('}}', start + 2);
    if (end < 0) throw unterminated(text, text.slice(start + 2));
    out += text.slice(pos, start);
    const tag = text.slice(start + 2, end);
    out += replaceOne(tag, lookup);
    pos = end + 2;
  }
}

function replaceOne(tag: string, lookup: (name: string) => string | undefined): string {
  if (isExpressionTag(tag)) return `{{${tag}}}`;
  const value = lookup(tag.trim());
  if (value !== undefined) return value;
  // `{{a {{b}}`: the engine pairs the first `{{` with `}}`, so an inner known tag still resolves.
  const nested = tag.lastIndexOf('{{');
  if (nested > 0) {
    const inner = lookup(tag.slice(nested + 2));
    if (inner !== undefined) return `{{${tag.slice(0, nested)}${inner}`;
  }
  return `{{${tag}}}`;
}

export function isExpressionTag(tag: string): boolean {
  return tag.startsWith('=');
}
