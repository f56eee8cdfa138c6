// FNV-1a, 32 bit: the hash Argo uses to derive node ids and pod names from node names.

const OFFSET_BASIS = 0x811c9dc5;
const PRIME = 0x01000193;

/**
 * FNV-1a over the UTF-8 bytes of `text`, as an unsigned 32-bit integer. The bytes are produced
 * from the UTF-16 code units as they are hashed: a reconcile pass hashes every node name of a wide
 * fan-out, and encoding each into a fresh buffer first was a good share of its cost. A lone
 * surrogate hashes as U+FFFD, as TextEncoder (and Go's conversion of invalid UTF-8) makes it.
 */
export function fnv32a(text: string): number {
  let hash = OFFSET_BASIS;
  const byte = (b: number): void => {
    hash = Math.imul(hash ^ b, PRIME);
  };
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      hash = Math.imul(hash ^ c, PRIME);
      continue;
    }
    if (c < 0x800) {
      byte(0xc0 | (c >> 6));
      byte(0x80 | (c & 0x3f));
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        byte(0xf0 | (c >> 18));
        byte(0x80 | ((c >> 12) & 0x3f));
        byte(0x80 | ((c >> 6) & 0x3f));
        byte(0x80 | (c & 0x3f));
        continue;
      }
      c = 0xfffd;
    }
    byte(0xe0 | (c >> 12));
    byte(0x80 | ((c >> 6) & 0x3f));
    byte(0x80 | (c & 0x3f));
  }
  return hash >>> 0;
}
