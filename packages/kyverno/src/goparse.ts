/** Go's strconv parsing rules, which decide when Kyverno treats a string as a number. */
const FLOAT_RE = /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;
const INT_RE = /^[+-]?\d+$/;

export function goParseFloat(s: string): number | undefined {
  if (!FLOAT_RE.test(s)) return undefined;
  const lower = s.toLowerCase().replace(/^\+/, '');
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity;
  if (lower.endsWith('nan')) return Number.NaN;
  return Number(s);
}

export function goParseInt(s: string): number | undefined {
  return INT_RE.test(s) ? Number(s) : undefined;
}

/** strconv.FormatFloat(v, 'E', -1, 64): how Kyverno stringifies a non-integer number for wildcard matching. */
export function goFormatFloatE(v: number): string {
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  const sign = e < 0 ? '-' : '+';
  return `${mant}E${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}
