import { Scalar, stringify, YAMLSeq } from 'yaml';
import { emitYaml, manifestYamlOptions, Unsupported } from './yaml-emit.js';

/**
 * Characters strict YAML readers (Go's yaml.v3 behind kubectl) refuse raw, or read as line
 * breaks under YAML 1.1: DEL, C1 controls, NEL, and the Unicode line/paragraph separators.
 */
const UNSAFE = /[\x7f-\x9f\u2028\u2029]/g;
const HAS_UNSAFE = /[\x7f-\x9f\u2028\u2029]/;

/**
 * Strings holding unsafe characters are forced into double quotes, where they can be escaped. With
 * a line width, longer single-line strings become folded blocks (`>-`), as hand-written policies
 * write long messages; the library falls back to quotes where a block cannot hold the text.
 */
interface Style {
  fold?: number;
  /** Keys whose lists of plain scalars are written in flow style (`[a, b]`). */
  flow?: ReadonlySet<string>;
}

function flowSeq(values: readonly unknown[], style: Style): YAMLSeq {
  const seq = new YAMLSeq();
  seq.items = values.map((v) => quoteUnsafe(v, style));
  seq.flow = true;
  return seq;
}

function quoteUnsafe(value: unknown, style: Style = {}): unknown {
  const fold = style.fold;
  if (typeof value === 'string') {
    if (HAS_UNSAFE.test(value)) {
      const s = new Scalar(value);
      s.type = Scalar.QUOTE_DOUBLE;
      return s;
    }
    // Keys and indentation take up to a fifth of the width in deep manifests: fold what might not fit.
    if (fold === undefined || value.length <= fold * 0.8 || value.includes('\n')) return value;
    const s = new Scalar(value);
    s.type = Scalar.BLOCK_FOLDED;
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => quoteUnsafe(v, style));
  if (typeof value === 'object' && value !== null && !(value instanceof Scalar)) {
    const scalars = (v: unknown): v is unknown[] => Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length < 40);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, style.flow?.has(k) && scalars(v) ? flowSeq(v, style) : quoteUnsafe(v, style)]));
  }
  return value;
}

/**
 * Deterministic YAML for Kubernetes manifests: key order is the order objects are built in,
 * strings that YAML 1.1 readers would take as booleans or numbers are quoted, and unsafe
 * characters are escaped. No line folding unless `lineWidth` is given; folding only ever breaks
 * at a single space, which a YAML reader turns back into that space, so the text is unchanged.
 */
export function toYaml(doc: unknown, options: { lineWidth?: number; flowLists?: readonly string[] } = {}): string {
  const style: Style = { ...(options.lineWidth ? { fold: options.lineWidth } : {}), ...(options.flowLists ? { flow: new Set(options.flowLists) } : {}) };
  let text: string | undefined;
  if (emitter === 'fast')
    try {
      text = emitYaml(doc, options.lineWidth ?? 0, style);
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
    }
  text ??= libraryYaml(doc, options, style);
  // Only double-quoted scalars can hold these characters (see quoteUnsafe), where \uXXXX is an escape.
  return text.replace(UNSAFE, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
}

/**
 * Which writer toYaml uses: the fast one (yaml-emit.ts, the default) or the yaml library's
 * document model, which stays the reference the fast one is tested against byte for byte.
 */
let emitter: 'fast' | 'library' = 'fast';
export function useYamlEmitter(which: 'fast' | 'library'): void {
  emitter = which;
}

function libraryYaml(doc: unknown, options: { lineWidth?: number }, style: Style): string {
  return stringify(quoteUnsafe(doc, style), manifestYamlOptions(options.lineWidth ?? 0));
}

/**
 * Several documents in one file, separated by `---`. `lineWidth` (0: never) folds long prose such
 * as descriptions; block scalars (Rego, CEL) are never folded.
 */
export function toYamlDocuments(docs: unknown[], options: { lineWidth?: number; flowLists?: readonly string[] } = {}): string {
  return docs.map((d) => toYaml(d, options)).join('---\n');
}
