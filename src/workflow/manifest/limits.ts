// What one manifest file may cost to read. go-yaml (which upstream reads manifests with) refuses a
// document whose aliases expand out of proportion to it, and caps nesting; our readers need the same
// budgets, or a few hundred bytes of aliases expand into gigabytes and a deep document overflows
// the stack. Size and document count bound the rest of the work (parse, decode, validate), so a CLI
// reading a hostile file ends within seconds rather than hanging.
import { Parser, type CST } from 'yaml';

export const MANIFEST_LIMITS = {
  /**
   * Bytes in one file. A Kubernetes API server takes at most 3 MiB in one request and the Argo
   * Server 100 MiB; 16 MiB leaves room for files of many objects while keeping the parse bounded.
   */
  maxBytes: 16 * 1024 * 1024,
  /** YAML documents (`---`-separated objects) in one file. */
  maxDocuments: 10_000,
  /**
   * Nesting of collections. go-yaml allows 10000; our recursive readers run out of stack near 700,
   * and no Argo resource comes near 256 levels.
   */
  maxDepth: 256,
} as const;

const MiB = 1024 * 1024;

/** The one line for a file over the size limit; `bytes` when its size is known. */
export function oversizeMessage(source: string, bytes?: number): string {
  const size = bytes === undefined ? '' : ` ${(bytes / MiB).toFixed(1)} MiB,`;
  return `${source}: manifest is${size} over the limit of ${MANIFEST_LIMITS.maxBytes / MiB} MiB`;
}

/** A structural limit found before composing: `offset` is where in the text it was crossed. */
export interface StructureViolation {
  offset: number;
  reason: string;
}

/**
 * Parses `text` to YAML's concrete syntax tree and checks document count and nesting depth without
 * recursion, so a hostile file is refused before anything recursive reads it. Returns the tokens so
 * the caller composes them without parsing twice.
 */
export function parseWithinLimits(
  text: string,
  onNewLine?: (offset: number) => void,
): { tokens: CST.Token[]; violation?: StructureViolation } {
  const tokens: CST.Token[] = [];
  let documents = 0;
  for (const token of new Parser(onNewLine).parse(text)) {
    tokens.push(token);
    if (token.type !== 'document') continue;
    documents += 1;
    if (documents > MANIFEST_LIMITS.maxDocuments) {
      const reason = `more than ${MANIFEST_LIMITS.maxDocuments} documents in one file`;
      return { tokens, violation: { offset: token.offset, reason } };
    }
    const deep = deeperThanLimit(token.value);
    if (deep) return { tokens, violation: deep };
  }
  return { tokens };
}

type Item = { key?: CST.Token | null; value?: CST.Token };

function deeperThanLimit(root: CST.Token | undefined): StructureViolation | undefined {
  const stack: { token: CST.Token; depth: number }[] = root ? [{ token: root, depth: 1 }] : [];
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
      continue;
    if (depth > MANIFEST_LIMITS.maxDepth)
      return { offset: token.offset, reason: `exceeded max depth of ${MANIFEST_LIMITS.maxDepth}` };
    for (const item of token.items as Item[]) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return undefined;
}

/** go-yaml's wording, so scripts matching upstream's error keep working. */
export const EXCESSIVE_ALIASING = 'document contains excessive aliasing';

/**
 * go-yaml's alias budget for one document: once more than 100 aliases and 1000 values were read,
 * the share of values that came through aliases may not pass 99% for small documents, falling to
 * 10% for very large ones. Expansion stops as soon as it is crossed, so a bomb costs little.
 */
export class AliasBudget {
  private decoded = 0;
  private throughAliases = 0;

  /** Counts one value read; true when the document has now used more aliasing than allowed. */
  exceededBy(insideAlias: boolean): boolean {
    this.decoded += 1;
    if (insideAlias) this.throughAliases += 1;
    return (
      this.throughAliases > 100 &&
      this.decoded > 1000 &&
      this.throughAliases / this.decoded > allowedAliasShare(this.decoded)
    );
  }
}

const SHARE_RANGE_LOW = 400_000;
const SHARE_RANGE_HIGH = 4_000_000;

function allowedAliasShare(decoded: number): number {
  if (decoded <= SHARE_RANGE_LOW) return 0.99;
  if (decoded >= SHARE_RANGE_HIGH) return 0.1;
  return 0.99 - (0.89 * (decoded - SHARE_RANGE_LOW)) / (SHARE_RANGE_HIGH - SHARE_RANGE_LOW);
}
