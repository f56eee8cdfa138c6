// resource.flags are kubectl arguments: upstream appends them to `kubectl ACTION`. Without kubectl,
// the ones resource templates use are read here — type and name arguments (`pod NAME`,
// `configmap/NAME`), -n, --selector, --ignore-not-found, --validate, --cascade, --grace-period,
// --wait, --field-manager — and any other flag is refused by name rather than silently dropped.

export interface KubectlFlags {
  /** Positional arguments: `TYPE`, `TYPE NAME...`, `TYPE/NAME...`. */
  args: string[];
  namespace?: string;
  selector?: string;
  /** Undefined when not given: delete then ignores a missing object, as upstream always asks. */
  ignoreNotFound?: boolean;
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  wait?: boolean;
  fieldManager?: string;
}

export class FlagError extends Error {}

const SUPPORTED =
  '-n/--namespace, -l/--selector, --ignore-not-found, --validate, --cascade, --grace-period, --wait, --field-manager';

/** Go's strconv.ParseBool, which pflag uses for boolean flags. */
function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new FlagError(
    `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

function validation(value: string): KubectlFlags['fieldValidation'] {
  switch (value.toLowerCase()) {
    case 'true':
    case 'strict':
      return 'Strict';
    case 'warn':
      return 'Warn';
    case 'false':
    case 'ignore':
      return 'Ignore';
    default:
      throw new FlagError(
        `invalid - validate option "${value}"; must be one of: strict (or true), warn, ignore (or false)`,
      );
  }
}

function cascade(value: string): KubectlFlags['propagationPolicy'] {
  switch (value) {
    case 'true':
    case 'background':
      return 'Background';
    case 'foreground':
      return 'Foreground';
    case 'false':
    case 'orphan':
      return 'Orphan';
    default:
      throw new FlagError(
        `invalid cascade value (${value}). Must be "background", "foreground", or "orphan"`,
      );
  }
}

/** Flags that take a value; `boolean` ones take one only as `--flag=value`. */
const VALUED: Record<
  string,
  { short?: string; optional?: string; set: (f: KubectlFlags, v: string) => void }
> = {
  namespace: { short: 'n', set: (f, v) => (f.namespace = v) },
  selector: { short: 'l', set: (f, v) => (f.selector = v) },
  'field-manager': { set: (f, v) => (f.fieldManager = v) },
  'grace-period': {
    set: (f, v) => {
      if (!/^-?\d+$/.test(v)) throw new FlagError(`invalid argument "${v}" for "--grace-period" flag`);
      // kubectl: a negative period means the object's own default.
      if (Number(v) >= 0) f.gracePeriodSeconds = Number(v);
    },
  },
  validate: { optional: 'strict', set: (f, v) => (f.fieldValidation = validation(v)) },
  cascade: { optional: 'background', set: (f, v) => (f.propagationPolicy = cascade(v)) },
  'ignore-not-found': {
    optional: 'true',
    set: (f, v) => (f.ignoreNotFound = parseBool('ignore-not-found', v)),
  },
  wait: { optional: 'true', set: (f, v) => (f.wait = parseBool('wait', v)) },
};

export function parseKubectlFlags(argv: readonly string[] = []): KubectlFlags {
  const flags: KubectlFlags = { args: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      flags.args.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      flags.args.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const short = arg[1];
      name = Object.keys(VALUED).find((k) => VALUED[k].short === short) ?? `-${short}`;
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.replace(/^=/, '');
    }
    const spec = VALUED[name];
    if (!spec)
      throw new FlagError(`unknown flag: ${arg.split('=')[0]} (resource.flags may use ${SUPPORTED})`);
    let value = inline;
    if (value === undefined) {
      if (spec.optional !== undefined) value = spec.optional;
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new FlagError(`flag needs an argument: ${arg}`);
    }
    spec.set(flags, value);
  }
  return flags;
}
