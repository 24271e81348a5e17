/**
 * Boolean CEL composition with constant folding, so `absent: pass` on a `present` predicate reads as
 * `true` rather than `!x.hasValue() || true`. Compound operands are parenthesised when combined, so
 * the emitted text never depends on operator precedence.
 */
export const TRUE = 'true';
export const FALSE = 'false';

/**
 * Whether `e` can stand as an operand without parentheses: every operator this module emits is
 * surrounded by spaces, so text without spaces or `!` (outside string literals) is a single
 * selection, call or literal.
 */
function isAtom(e: string): boolean {
  const code = e.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return !/[\s!]/.test(code);
}

const wrap = (e: string) => (isAtom(e) ? e : `(${e})`);

export function and(...parts: string[]): string {
  if (parts.includes(FALSE)) return FALSE;
  const kept = parts.filter((p) => p !== TRUE);
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? kept[0]! : kept.map(wrap).join(' && ');
}

export function or(...parts: string[]): string {
  if (parts.includes(TRUE)) return TRUE;
  const kept = parts.filter((p) => p !== FALSE);
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? kept[0]! : kept.map(wrap).join(' || ');
}

/** Index just past the `)` matching the `(` at `open`, skipping string literals; -1 if unbalanced. */
function closingParen(e: string, open: number): number {
  let depth = 0;
  for (let i = open; i < e.length; i++) {
    const ch = e[i];
    if (ch === '"') {
      for (i++; i < e.length && e[i] !== '"'; i++) if (e[i] === '\\') i++;
    } else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i + 1;
  }
  return -1;
}

export function not(e: string): string {
  if (e === TRUE) return FALSE;
  if (e === FALSE) return TRUE;
  // `!(x)` negated is `x`: keeps `when` conditions such as "not Windows" readable.
  if (e.startsWith('!(') && closingParen(e, 1) === e.length) return e.slice(2, -1);
  if (e.startsWith('!') && isAtom(e.slice(1))) return e.slice(1);
  return `!${wrap(e)}`;
}

/** `cond ? a : b`, folded when the condition is constant. */
export function ifThen(cond: string, then: string, otherwise: string): string {
  if (cond === TRUE) return then;
  if (cond === FALSE) return otherwise;
  return `${wrap(cond)} ? ${wrap(then)} : ${wrap(otherwise)}`;
}
