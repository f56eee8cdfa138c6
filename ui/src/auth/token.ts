// The token the UI sends, kept as upstream's UI keeps it: the `authorization` cookie (the server
// reads it, and it travels with EventSource requests too, which cannot set headers), for this path.

function cookiePath(): string {
  return new URL(document.baseURI).pathname;
}

export function saveToken(token: string): void {
  const trimmed = token.trim();
  const value = /^(Bearer|Basic) /.test(trimmed) ? trimmed : `Bearer ${trimmed}`;
  document.cookie = `authorization=${value};SameSite=Strict;path=${cookiePath()}`;
}

export function clearToken(): void {
  document.cookie = `authorization=;SameSite=Strict;path=${cookiePath()};max-age=0`;
}
