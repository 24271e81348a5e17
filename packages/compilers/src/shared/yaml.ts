import { Scalar, stringify } from 'yaml';

/**
 * Characters strict YAML readers (Go's yaml.v3 behind kubectl) refuse raw, or read as line
 * breaks under YAML 1.1: DEL, C1 controls, NEL, and the Unicode line/paragraph separators.
 */
const UNSAFE = /[\x7f-\x9f\u2028\u2029]/g;
const HAS_UNSAFE = /[\x7f-\x9f\u2028\u2029]/;

/** Strings holding unsafe characters are forced into double quotes, where they can be escaped. */
function quoteUnsafe(value: unknown): unknown {
  if (typeof value === 'string') {
    if (!HAS_UNSAFE.test(value)) return value;
    const s = new Scalar(value);
    s.type = Scalar.QUOTE_DOUBLE;
    return s;
  }
  if (Array.isArray(value)) return value.map(quoteUnsafe);
  if (typeof value === 'object' && value !== null && !(value instanceof Scalar)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, quoteUnsafe(v)]));
  }
  return value;
}

/**
 * Deterministic YAML for Kubernetes manifests: key order is the order objects are built in,
 * no line folding (so long CEL and JMESPath expressions stay byte-stable), strings that YAML 1.1
 * readers would take as booleans or numbers are quoted, and unsafe characters are escaped.
 */
export function toYaml(doc: unknown, lineWidth = 0): string {
  const text = stringify(quoteUnsafe(doc), {
    lineWidth,
    minContentWidth: 0,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
    compat: 'yaml-1.1',
  });
  // Only double-quoted scalars can hold these characters (see quoteUnsafe), where \uXXXX is an escape.
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
}

/**
 * Several documents in one file, separated by `---`. `lineWidth` (0: never) folds long prose such
 * as descriptions; block scalars (Rego, CEL) are never folded.
 */
export function toYamlDocuments(docs: unknown[], lineWidth = 0): string {
  return docs.map((d) => toYaml(d, lineWidth)).join('---\n');
}
