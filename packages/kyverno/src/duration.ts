/** Go's time.ParseDuration, in seconds. Kyverno tries durations before quantities in comparisons. */
const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const SEGMENT_RE = /(\d*)(\.\d*)?([a-zµμ]+)/uy;

export function parseGoDuration(input: string): number | undefined {
  let s = input;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s.startsWith('-') ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') return undefined;
  let total = 0;
  SEGMENT_RE.lastIndex = 0;
  while (SEGMENT_RE.lastIndex < s.length) {
    const m = SEGMENT_RE.exec(s);
    if (!m) return undefined;
    const int = m[1] ?? '';
    const frac = m[2] ?? '';
    if (int === '' && frac.length <= 1) return undefined;
    const unit = UNIT_SECONDS[m[3] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(`${int || '0'}${frac === '.' ? '' : frac}`) * unit;
  }
  return sign * total;
}
