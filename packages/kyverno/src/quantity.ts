/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.ParseQuantity), which Kyverno uses for
 * pattern comparisons (`<=1Gi`) and for the Equals / GreaterThan condition operators. Values are exact
 * (mantissa × 10^a × 2^b in BigInt), as upstream's inf.Dec: a plain digit string such as an RSA modulus is a
 * valid quantity and must not collapse to Infinity.
 */
export interface Quantity {
  mantissa: bigint;
  pow10: number;
  pow2: number;
}

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
/** Beyond this exponent we refuse the value rather than build astronomically large integers. */
const MAX_EXPONENT = 10_000;

const QUANTITY_RE = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE])([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

/** The quantity, or undefined when the string is not a valid quantity. */
export function parseQuantity(s: string): Quantity | undefined {
  const m = QUANTITY_RE.exec(s);
  if (!m) return undefined;
  const [intPart = '', fracPart = ''] = (m[2] as string).split('.');
  const digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '') || '0';
  let mantissa = BigInt(digits);
  if (m[1] === '-') mantissa = -mantissa;
  let pow10 = -fracPart.length;
  let pow2 = 0;
  if (m[3]) pow10 += Number(m[4]);
  else if (m[5] && m[5] in BINARY_SUFFIX) pow2 = BINARY_SUFFIX[m[5]] as number;
  else pow10 += DECIMAL_SUFFIX[m[5] ?? ''] as number;
  if (Math.abs(pow10) > MAX_EXPONENT) return undefined;
  return { mantissa, pow10, pow2 };
}

export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const l10 = Math.min(a.pow10, b.pow10);
  const l2 = Math.min(a.pow2, b.pow2);
  const scale = (q: Quantity): bigint => q.mantissa * 10n ** BigInt(q.pow10 - l10) * 2n ** BigInt(q.pow2 - l2);
  const x = scale(a);
  const y = scale(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** apimachinery's Quantity formats: how a quantity was written decides how results are printed. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export function quantityFormat(s: string): QuantityFormat {
  const m = QUANTITY_RE.exec(s);
  if (m?.[3]) return 'DecimalExponent';
  if (m?.[5] && m[5] in BINARY_SUFFIX) return 'BinarySI';
  return 'DecimalSI';
}

const DECIMAL_SUFFIX_OF: Record<number, string> = Object.fromEntries(Object.entries(DECIMAL_SUFFIX).map(([k, v]) => [v, k]));
const BINARY_SUFFIX_OF: Record<number, string> = { 0: '', ...Object.fromEntries(Object.entries(BINARY_SUFFIX).map(([k, v]) => [v, k])) };

/**
 * Quantity.String() (CanonicalizeBytes) of `unscaled × 10^-scale`: BinarySI for integers of magnitude ≥ 1024
 * (the largest power-of-1024 suffix that keeps an integer), otherwise the decimal form with an exponent that
 * is a multiple of 3, written as an SI suffix (DecimalSI) or `eN` (DecimalExponent).
 */
export function formatQuantity(unscaled: bigint, scale: number, format: QuantityFormat): string {
  if (unscaled === 0n) return '0';
  let f = format;
  if (f === 'BinarySI') {
    const integral = scale <= 0 || unscaled % 10n ** BigInt(scale) === 0n;
    const value = scale <= 0 ? unscaled * 10n ** BigInt(-scale) : unscaled / 10n ** BigInt(scale);
    if (!integral || (value > -1024n && value < 1024n)) f = 'DecimalSI';
    else {
      let amount = value;
      let exp = 0;
      while (amount % 1024n === 0n && exp < 60) {
        amount /= 1024n;
        exp += 10;
      }
      return `${amount}${BINARY_SUFFIX_OF[exp]}`;
    }
  }
  let amount = unscaled;
  let exp = -scale;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exp++;
  }
  while (exp % 3 !== 0) {
    amount *= 10n;
    exp--;
  }
  if (f === 'DecimalExponent') return exp === 0 ? `${amount}` : `${amount}e${exp}`;
  const suffix = DECIMAL_SUFFIX_OF[exp];
  return suffix === undefined ? `${amount}e${exp}` : `${amount}${suffix}`;
}
