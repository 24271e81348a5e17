/**
 * Walks an expression the compilers built (CEL, JMESPath) character by character, skipping string
 * literals, with the bracket depth after each character. Both targets fold and parenthesise their
 * own text, and must never mistake an operator inside a literal or a group for a top-level one.
 */
export function* scanExpression(e: string, quotes: string): Generator<{ i: number; c: string; depth: number }> {
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    const c = e[i]!;
    if (quotes.includes(c)) {
      for (i++; i < e.length && e[i] !== c; i++) if (e[i] === '\\') i++;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    yield { i, c, depth };
  }
}
