/**
 * Message helpers reproducing the wording of upstream PSA (`policy/helpers.go`), so our
 * `reason`/`detail` strings read exactly as the apiserver's refusals do.
 */

/** `"a", "b"` — upstream `joinQuote`. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** `"container \"a\""` / `"containers \"a\", \"b\""`. */
export function containersPhrase(names: readonly string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Sorted, de-duplicated copy — what upstream's `sets.String.List()` returns. Go sorts strings
 *  bytewise; for the ASCII names and values here that equals JavaScript's code-unit order. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

const GO_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};

/** Go's `%q` for the strings that occur in annotations (printable text, maybe control characters). */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    const escaped = GO_ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}
