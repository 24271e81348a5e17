/**
 * The one place user text becomes Rego source. OPA's parser decodes a double-quoted string
 * literal with Go's `json.Unmarshal` (open-policy-agent/opa, ast/parser.go, `parseString`), so a
 * JSON string is exactly what OPA reads back. Go would turn an escaped lone surrogate into
 * U+FFFD, silently changing the text, hence the refusal below. The extra escapes
 * keep the module plain printable text so it also embeds in YAML as a literal block (YAML
 * forbids DEL, C1 controls and non-characters, and some readers break lines at U+2028/9).
 */
import type { Scalar } from '@podsec/ir';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NON_PRINTABLE = /[\u007F-\u009F\u2028\u2029\uFEFF\uFFFE\uFFFF]/g;

const hex4 = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

export class UnencodableStringError extends Error {
  constructor(readonly value: string) {
    super('the text contains a lone UTF-16 surrogate, which no UTF-8 policy file can hold');
    this.name = 'UnencodableStringError';
  }
}

/** A Rego string literal that OPA reads back as exactly `s`. */
export function regoString(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new UnencodableStringError(s);
  return JSON.stringify(s).replace(NON_PRINTABLE, hex4);
}

/** A scalar as a Rego term (numbers and booleans are JSON literals in Rego too). */
export function regoScalar(v: Scalar): string {
  if (typeof v === 'string') return regoString(v);
  if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`${v} has no Rego literal`);
  return JSON.stringify(v);
}

/** A set literal; `{}` would be an empty object in Rego, so the empty set is `set()`. */
export function regoSet(values: readonly Scalar[]): string {
  return values.length ? `{${values.map(regoScalar).join(', ')}}` : 'set()';
}

export function regoArray(values: readonly Scalar[]): string {
  return `[${values.map(regoScalar).join(', ')}]`;
}

/**
 * Free text as `#` comment lines. Every line break a reader might honour starts a new comment
 * line, and control characters are shown as escapes so the comment cannot end early.
 */
export function regoComment(text: string): string[] {
  return text
    .split(/\r\n|[\n\r\u0085\u2028\u2029]/)
    .map((line) => line.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFEFF\uFFFE\uFFFF]/g, hex4).replace(LONE_SURROGATE_GLOBAL, '\uFFFD'))
    .map((line) => (line ? `# ${line}` : '#'));
}
const LONE_SURROGATE_GLOBAL = new RegExp(LONE_SURROGATE.source, 'g');
