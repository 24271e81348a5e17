/**
 * Pattern anchors, as in Kyverno's pkg/engine/anchor: `(k)` condition, `<(k)` global, `X(k)` negation,
 * `+(k)` add-if-not-present, `=(k)` equality, `^(k)` existence.
 */
export type AnchorType = 'condition' | 'global' | 'negation' | 'addIfNotPresent' | 'equality' | 'existence';

export interface Anchor {
  type: AnchorType;
  key: string;
}

const MODIFIERS: Record<string, AnchorType> = {
  '': 'condition',
  '<': 'global',
  X: 'negation',
  '+': 'addIfNotPresent',
  '=': 'equality',
  '^': 'existence',
};
const PREFIX: Record<AnchorType, string> = {
  condition: '',
  global: '<',
  negation: 'X',
  addIfNotPresent: '+',
  equality: '=',
  existence: '^',
};

const ANCHOR_RE = /^([+<=X^])?\((.+)\)$/s;

const parsed = new Map<string, Anchor | undefined>();

export function parseAnchor(raw: string): Anchor | undefined {
  if (parsed.has(raw)) return parsed.get(raw);
  const m = ANCHOR_RE.exec(raw.trim());
  const a = m?.[2] ? { type: MODIFIERS[m[1] ?? ''] as AnchorType, key: m[2] } : undefined;
  if (parsed.size < 10_000) parsed.set(raw, a);
  return a;
}

export function anchorString(type: AnchorType, key: string): string {
  return `${PREFIX[type]}(${key})`;
}

/** Anchors that validateMap processes before plain keys (the global anchor travels with the plain keys). */
export function isLeadingAnchor(a: Anchor | undefined): boolean {
  return a !== undefined && (a.type === 'condition' || a.type === 'existence' || a.type === 'equality' || a.type === 'negation');
}
