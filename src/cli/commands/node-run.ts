// `argo node set WORKFLOW`: phase, message and supplied outputs of suspend nodes.
import type { Command } from 'commander';
import { namespaceOf, out, withClient } from '../context.js';
import { FlagError } from '../flags.js';
import { checkNodeFieldSelector } from './lifecycle-shared.js';
import type { NodeFlags } from './node.js';

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/** Go's strconv.Unquote: the value of a Go string or rune literal, or undefined if `s` is not one. */
export function goUnquote(s: string): string | undefined {
  if (s.length < 2) return undefined;
  const quote = s[0];
  if (quote !== s[s.length - 1]) return undefined;
  const body = s.slice(1, -1);
  if (quote === '`') return body.includes('`') ? undefined : body.replace(/\r/g, '');
  if (quote !== '"' && quote !== "'") return undefined;
  let result = '';
  for (let i = 0; i < body.length;) {
    const c = body[i];
    if (c === quote || c === '\n') return undefined;
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      result += String.fromCodePoint(cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const e = body[i + 1];
    if (e === undefined) return undefined;
    if (SIMPLE_ESCAPES[e] !== undefined) {
      result += SIMPLE_ESCAPES[e];
      i += 2;
    } else if (e === quote) {
      result += e;
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined;
      const v = parseInt(hex, 16);
      if (v > 0x10ffff || (e !== 'x' && v >= 0xd800 && v < 0xe000)) return undefined;
      // \x is a byte; Go keeps it as such, which only round-trips for ASCII.
      result += e === 'x' ? String.fromCharCode(v) : String.fromCodePoint(v);
      i += 2 + len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i + 1, i + 4);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined;
      result += String.fromCharCode(parseInt(oct, 8));
      i += 4;
    } else return undefined;
  }
  if (quote === "'" && [...result].length !== 1) return undefined;
  return result;
}

/** `--output-parameter NAME=VALUE` flags as the JSON object the API carries; quoted values are unquoted. */
export function outputParametersJson(params: string[]): string {
  const values: Record<string, string> = {};
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) throw new Error(`expected parameter of the form: NAME=VALUE. Received: ${p}`);
    const raw = p.slice(eq + 1);
    values[p.slice(0, eq)] = goUnquote(raw) ?? raw;
  }
  // Go marshals maps with their keys sorted.
  return JSON.stringify(
    Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  );
}

export async function runNode(cmd: Command, args: string[], o: NodeFlags): Promise<void> {
  if (args.length < 2) throw new FlagError(`requires at least 2 arg(s), only received ${args.length}`);
  const [action, name] = args;
  if (action !== 'set') throw new Error(`unknown action '${action}'`);
  const outputParameters = o.outputParameter?.length ? outputParametersJson(o.outputParameter) : '';
  await withClient(
    cmd,
    async (client, g) => {
      checkNodeFieldSelector(o.nodeFieldSelector);
      await client.setWorkflow(namespaceOf(client, g), name, {
        nodeFieldSelector: o.nodeFieldSelector,
        message: o.message,
        phase: o.phase,
        outputParameters,
      });
      await out('workflow values set\n');
    },
    { engine: 'detached' },
  );
}
