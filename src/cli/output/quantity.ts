// Kubernetes resource quantities ("500m", "1Gi") as a Go client writes them back after reading them:
// resource.Quantity keeps the text it was given when that text is already canonical, and otherwise
// prints the canonical form ("0.5" -> "500m", "1024Mi" -> "1Gi", "1.0" -> "1").

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([s, e]) => [e, s]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([s, e]) => [e, s]));

const MAX_INT64 = 2n ** 63n - 1n;
// Digits an int64 can always hold.
const MAX_INT64_FACTORS = 18;
const NANO_SCALE = 9;

interface Parsed {
  positive: boolean;
  /** The numeric text, sign and leading zeros included. */
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

// The scanner of resource.ParseQuantity: sign, digits, optional fraction, then a suffix.
function scan(str: string): Parsed | undefined {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num, denom: '', suffix: '' };
  pos = i;
  if (num === '') num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && 'eEinumkKMGTP'.includes(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  for (i = pos; i < end; i++) if (!isDigit(str[i])) return undefined;
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

function interpret(suffix: string): { base: 10 | 2; exponent: number; format: Format } | undefined {
  if (suffix in DECIMAL_SUFFIXES)
    return { base: 10, exponent: DECIMAL_SUFFIXES[suffix], format: 'DecimalSI' };
  if (suffix in BINARY_SUFFIXES) return { base: 2, exponent: BINARY_SUFFIXES[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?\d+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number.parseInt(suffix.slice(1), 10), format: 'DecimalExponent' };
  }
  return undefined;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

// Go's % truncates toward zero, as JS's does for numbers.
function canonical(unscaled: bigint, exponent10: number, format: Format): string {
  if (unscaled === 0n) return '0';
  if (format === 'BinarySI') {
    const integral = exponent10 >= 0 || unscaled % 10n ** BigInt(-exponent10) === 0n;
    const whole =
      exponent10 >= 0 ? unscaled * 10n ** BigInt(exponent10) : unscaled / 10n ** BigInt(-exponent10);
    if (!integral || (whole > -1024n && whole < 1024n)) {
      format = 'DecimalSI';
    } else {
      let amount = whole;
      let times = 0;
      while (abs(amount) >= 1024n && amount % 1024n === 0n) {
        amount /= 1024n;
        times++;
      }
      return `${amount}${BINARY_BY_EXPONENT.get(times * 10) ?? ''}`;
    }
  }
  let amount = unscaled;
  let exponent = exponent10;
  while (abs(amount) >= 10n && amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const r = exponent % 3;
  if (r === 1 || r === -2) {
    amount *= 10n;
    exponent -= 1;
  } else if (r === 2 || r === -1) {
    amount *= 100n;
    exponent -= 2;
  }
  if (format === 'DecimalExponent') return exponent === 0 ? `${amount}` : `${amount}e${exponent}`;
  return `${amount}${DECIMAL_BY_EXPONENT.get(exponent) ?? ''}`;
}

/** The quantity as resource.Quantity marshals it; text that does not parse is returned unchanged. */
export function canonicalQuantity(str: string): string {
  if (str === '' || str === '0') return str;
  const parsed = scan(str);
  if (!parsed) return str;
  const kind = interpret(parsed.suffix);
  if (!kind) return str;
  const { positive, num, denom } = parsed;
  const { exponent } = kind;
  let { format } = kind;

  let precision = -1;
  let scale = 0;
  let mantissa = 1n;
  if (format !== 'BinarySI') {
    scale = exponent;
    precision = MAX_INT64_FACTORS - (num.length + denom.length);
  } else if (exponent >= 0 && denom === '') {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
  }
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -NANO_SCALE) {
      const shifted = num + denom;
      const value = BigInt(shifted);
      const product = value * mantissa;
      if (product <= MAX_INT64) {
        const result = positive ? product : -product;
        const keepsText =
          format === 'BinarySI'
            ? exponent % 10 === 0 && (value & 7n) !== 0n
            : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return keepsText ? str : canonical(result, scale, format);
      }
    }
  }

  // The general path: exact decimal arithmetic, rounded up to nano units.
  const [intPart, fracPart = ''] = parsed.value.replace(/^[+-]/, '').split('.');
  let unscaled = BigInt((intPart || '0') + fracPart);
  let decScale = fracPart.length;
  if (kind.base === 10) decScale -= exponent;
  else unscaled *= 1n << BigInt(exponent);
  if (decScale > NANO_SCALE && unscaled !== 0n) {
    const divisor = 10n ** BigInt(decScale - NANO_SCALE);
    unscaled = (unscaled + divisor - 1n) / divisor;
    decScale = NANO_SCALE;
  }
  if (format === 'BinarySI') {
    const whole = decScale <= 0 ? unscaled * 10n ** BigInt(-decScale) : undefined;
    if (whole !== undefined && whole > MAX_INT64) {
      unscaled = MAX_INT64;
      decScale = 0;
    }
    const belowOne = decScale > 0 ? unscaled < 10n ** BigInt(decScale) : unscaled < 1n;
    if (belowOne && unscaled > 0n) format = 'DecimalSI';
  }
  return canonical(positive ? unscaled : -unscaled, -decScale, format);
}
