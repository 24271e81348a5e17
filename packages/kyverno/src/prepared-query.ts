/**
 * A context query text with what JsonContext.query works out from it: the trimmed text, which context keys it
 * names, its compiled form. Policies query the same few hundred texts for every request and element; looking
 * each of those facts up by the text cost several hashes of long strings per query, so they are kept here,
 * with the text's cached `{{ }}` occurrence (variables.ts) or by text below.
 */
import { compileCached, type Compiled } from './jmespath/interpreter.js';

export class PreparedQuery {
  readonly text: string;
  /** A quoted identifier may spell a name with escapes, which the text test of mentions() would not see. */
  readonly escapes: boolean;
  private compiledQuery: Compiled | undefined;
  /**
   * Keys asked about and the answers, side by side: the keys are a context's deferred and lazy entry names
   * (`images`, a rule's context entries), a few, so a scan by identity beats hashing them.
   */
  private readonly keys: string[] = [];
  private readonly hits: boolean[] = [];

  constructor(expression: string) {
    this.text = expression.trim();
    this.escapes = this.text.includes('\\');
  }

  /** Whether the text names `key` (a text test, conservative). */
  mentions(key: string): boolean {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.hits[i] as boolean;
    const hit = this.text.includes(key);
    // Bounded: past a few dozen names (not seen in policies) answers are recomputed rather than kept.
    if (keys.length < 32) {
      keys.push(key);
      this.hits.push(hit);
    }
    return hit;
  }

  /** The compiled text; a text that does not parse throws its JmesPathError on every call, as kyvernoSearch. */
  compiled(): Compiled {
    return (this.compiledQuery ??= compileCached(this.text));
  }
}

const byText = new Map<string, PreparedQuery>();
/** Texts kept; policies hold a few hundred distinct ones, texts built from request data may be many more. */
const MAX_PREPARED = 10_000;

/** The prepared form of `expression`, remembered by text. */
export function preparedQuery(expression: string): PreparedQuery {
  let p = byText.get(expression);
  if (p === undefined) {
    if (byText.size >= MAX_PREPARED) byText.clear();
    byText.set(expression, (p = new PreparedQuery(expression)));
  }
  return p;
}
