/**
 * Boolean CEL composition with constant folding, so `absent: pass` on a `present` predicate reads as
 * `true` rather than `!x.hasValue() || true`. Compound operands are parenthesised when combined, so
 * the emitted text never depends on operator precedence.
 */
import { scanExpression } from '../shared/scan.js';

const CEL_QUOTES = `"'`;
export const TRUE = 'true';
export const FALSE = 'false';

// Sticky, matched at each top-level space in place: no copy of the rest of the text per space.
const OPERATOR_AT = / (&&|\|\||\?|:|==|!=|<=|>=|<|>|in|\+|-) /y;

/** The binary operators (and ternary) outside brackets and string literals in `e`. */
function topLevel(e: string): Set<string> {
  const ops = new Set<string>();
  scanExpression(e, CEL_QUOTES, (i, c, depth) => {
    if (depth !== 0 || c !== ' ') return true;
    OPERATOR_AT.lastIndex = i;
    const op = OPERATOR_AT.exec(e);
    if (op) ops.add(op[1]!);
    return true;
  });
  return ops;
}

/** `e` split at `sep` where it occurs outside brackets and string literals. */
function splitTopLevel(e: string, sep: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scanExpression(e, CEL_QUOTES, (i, c, depth) => {
    if (depth !== 0 || i < start || '([{)]}'.includes(c) || !e.startsWith(sep, i)) return true;
    parts.push(e.slice(start, i));
    start = i + sep.length;
    return true;
  });
  parts.push(e.slice(start));
  return parts;
}

/**
 * Whether `e` can stand as an operand without parentheses: every operator this module emits is
 * surrounded by spaces, so text without spaces or `!` (outside string literals) is a single
 * selection, call or literal.
 */
function isAtom(e: string): boolean {
  return topLevel(e).size === 0;
}

/**
 * Operands of `&&`/`||` are parenthesised only where precedence needs it (a ternary, or `||` inside
 * `&&`) or where mixing the two would make a reader stop (`&&` inside `||`); comparisons bind
 * tighter than both, so `type(x) == list && x.all(...)` reads as written.
 */
const operand = (e: string, op: '&&' | '||') => {
  const ops = topLevel(e);
  const needs = ops.has('?') || ops.has(':') || (op === '&&' ? ops.has('||') : ops.has('&&'));
  return needs ? `(${e})` : e;
};

const wrap = (e: string) => (isAtom(e) ? e : `(${e})`);

export function and(...parts: string[]): string {
  if (parts.includes(FALSE)) return FALSE;
  const kept = parts.filter((p) => p !== TRUE);
  if (kept.length === 0) return TRUE;
  return kept.length === 1 ? kept[0]! : kept.map((k) => operand(k, '&&')).join(' && ');
}

export function or(...parts: string[]): string {
  if (parts.includes(TRUE)) return TRUE;
  const kept = parts.filter((p) => p !== FALSE);
  if (kept.length === 0) return FALSE;
  return kept.length === 1 ? kept[0]! : kept.map((k) => operand(k, '||')).join(' || ');
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

/** Negated comparisons: `!(a == b)` reads as `a != b`. */
const NEGATED: Readonly<Record<string, string>> = { '==': '!=', '!=': '==' };

export function not(e: string): string {
  if (e === TRUE) return FALSE;
  if (e === FALSE) return TRUE;
  const ops = topLevel(e);
  const [only] = ops;
  if (ops.size === 1 && only && NEGATED[only]) {
    const parts = splitTopLevel(e, ` ${only} `);
    if (parts.length === 2) return `${parts[0]} ${NEGATED[only]} ${parts[1]}`;
  }
  // `!(x)` negated is `x`: keeps `when` conditions such as "not Windows" readable.
  if (e.startsWith('!(') && closingParen(e, 1) === e.length) return e.slice(2, -1);
  if (e.startsWith('!') && isAtom(e.slice(1))) return e.slice(1);
  return `!${wrap(e)}`;
}

/** `cond ? a : b`, folded when the condition is constant. */
export function ifThen(cond: string, then: string, otherwise: string): string {
  if (cond === TRUE) return then;
  if (cond === FALSE) return otherwise;
  // Branches joining several conditions are parenthesised: precedence would not need it, a reader does.
  const branch = (e: string) => {
    const ops = topLevel(e);
    return ['?', ':', '&&', '||'].some((op) => ops.has(op)) ? `(${e})` : e;
  };
  return `${branch(cond)} ? ${branch(then)} : ${branch(otherwise)}`;
}
