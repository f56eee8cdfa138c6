// Loop expansion: withItems / withParam / withSequence items and the node names Argo gives them.
import type { Sequence } from '../model/template.js';

export class ItemError extends Error {}

/** `withSequence` → the list of string items (start..end inclusive, or count from start). */
export function expandSequence(seq: Sequence): string[] {
  const toInt = (v: unknown, field: string): number => {
    const s = String(v).trim();
    if (!/^[+-]?\d+$/.test(s))
      throw new ItemError(`strconv.Atoi: parsing "${s}": invalid syntax (withSequence.${field})`);
    return Number(s);
  };
  const start = seq.start !== undefined && seq.start !== '' ? toInt(seq.start, 'start') : 0;
  let end: number;
  if (seq.end !== undefined && seq.end !== '') {
    end = toInt(seq.end, 'end');
  } else if (seq.count !== undefined && seq.count !== '') {
    const count = toInt(seq.count, 'count');
    if (count === 0) return [];
    end = start + count - 1;
  } else {
    throw new ItemError('neither end nor count was specified in withSequence');
  }
  const fmt = seq.format ?? '';
  const items: string[] = [];
  const step = start <= end ? 1 : -1;
  for (let i = start; step > 0 ? i <= end : i >= end; i += step)
    items.push(fmt ? sprintfInt(fmt, i) : String(i));
  return items;
}

/** The subset of Go's fmt verbs sequence formats use: %d with width/zero padding, %x, %o, and literal text. */
export function sprintfInt(format: string, n: number): string {
  return format.replace(
    /%(-?)(0?)(\d*)([dxXob%])/g,
    (_m, left: string, zero: string, width: string, verb: string) => {
      if (verb === '%') return '%';
      const radix = verb === 'd' ? 10 : verb === 'o' ? 8 : verb === 'b' ? 2 : 16;
      let digits = Math.abs(n).toString(radix);
      if (verb === 'X') digits = digits.toUpperCase();
      const sign = n < 0 ? '-' : '';
      const w = width ? Number(width) : 0;
      let body = sign + digits;
      if (body.length < w) {
        if (left) body = body.padEnd(w, ' ');
        else if (zero) body = sign + digits.padStart(w - sign.length, '0');
        else body = body.padStart(w, ' ');
      }
      return body;
    },
  );
}

/** How Argo prints one item value (wfv1.Item.String): strings bare, everything else as compact JSON. */
export function itemString(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export interface ExpandedItem {
  /** The node name suffix: `name(index:desc)`. */
  name: string;
  /** Variables the item adds to the scope: `item`, and `item.<key>` for maps. */
  vars: Record<string, string>;
}

export function expandedNodeName(name: string, index: number, desc: string): string {
  const clean = desc.replace(/[()]/g, '');
  return `${name}(${index}:${clean})`;
}

/** Builds the node name and the `item` variables for the index-th item of a loop. */
export function describeItem(name: string, index: number, item: unknown): ExpandedItem {
  const vars: Record<string, string> = {};
  if (typeof item === 'string') {
    vars.item = item;
    return { name: expandedNodeName(name, index, item), vars };
  }
  if (typeof item === 'number' || typeof item === 'boolean') {
    vars.item = String(item);
    return { name: expandedNodeName(name, index, String(item)), vars };
  }
  if (Array.isArray(item)) {
    vars.item = JSON.stringify(item);
    // fmt's %v of a slice of items: space separated inside brackets.
    return { name: expandedNodeName(name, index, `[${item.map(itemString).join(' ')}]`), vars };
  }
  if (item && typeof item === 'object') {
    const map = item as Record<string, unknown>;
    const parts: string[] = [];
    for (const [k, v] of Object.entries(map)) {
      vars[`item.${k}`] = itemString(v);
      parts.push(`${k}:${itemString(v)}`);
    }
    vars.item = goJsonMarshal(map);
    parts.sort();
    return { name: expandedNodeName(name, index, parts.join(',')), vars };
  }
  throw new ItemError(`withItems[${index}] expected string, number, list, or map. received: ${String(item)}`);
}

/** encoding/json.Marshal of a map: keys sorted, compact. */
export function goJsonMarshal(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(',')}]`;
  const obj = v as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${goJsonMarshal(obj[k])}`)
    .join(',')}}`;
}
