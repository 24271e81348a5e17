/**
 * The fast path of toYaml (yaml.ts): the generated manifests are plain trees of maps, lists,
 * strings, numbers, booleans and null, so their layout is written here directly instead of
 * through the yaml library's document model (which builds a node per value first: half the
 * build's emission time). The bytes are the library's: the layout follows its block-collection
 * rules for exactly the options toYaml uses, and every string that is not a bare word goes
 * through the library's own scalar writer with the context it would get. Anything else (a map
 * whose values are all null, a flow list that would wrap, undefined, non-plain objects) throws
 * Unsupported, and toYaml falls back to the library for that document.
 */
import { Document, Scalar } from 'yaml';
import { stringTag } from 'yaml/util';

export class Unsupported extends Error {}

export interface EmitStyle {
  /** Line width strings are folded at; long single-line strings become `>-` blocks (see yaml.ts). */
  fold?: number;
  /** Keys whose lists of short strings are written in flow style. */
  flow?: ReadonlySet<string>;
}

const HAS_UNSAFE = /[\x7f-\x9f\u2028\u2029]/;
/**
 * Written as they are by the library in any position: start with a letter, no space, no
 * indicator, and not what a YAML 1.1 reader takes for a boolean, null or number (`e5` is a float
 * there); the library quotes those.
 */
const BARE = /^[A-Za-z][A-Za-z0-9_./-]*$/;
const YAML11_WORDS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|[eE][-+]?[0-9]+)$/;
const bare = (s: string) => BARE.test(s) && !YAML11_WORDS.test(s);

type Ctx = Record<string, unknown> & { indent: string };

/** The yaml library's options for generated manifests: both writers use them, so they agree byte for byte. */
export function manifestYamlOptions(lineWidth: number) {
  return {
    lineWidth,
    minContentWidth: 0,
    flowCollectionPadding: false,
    indent: 2,
    indentSeq: true,
    aliasDuplicateObjects: false,
    defaultStringType: 'PLAIN',
    defaultKeyType: 'PLAIN',
    version: '1.2',
    compat: 'yaml-1.1',
  } as const;
}

/** The library's stringify context for the options toYaml passes (see createStringifyContext in yaml). */
function baseContext(lineWidth: number): Ctx {
  const options = manifestYamlOptions(lineWidth);
  const doc = new Document(null, options);
  return {
    anchors: new Set(),
    doc,
    flowCollectionPadding: '',
    indent: '',
    indentStep: '  ',
    inFlow: null,
    options: {
      // The library's defaults; the ones toYaml sets come from `options` below.
      blockQuote: true,
      directives: null,
      doubleQuotedAsJSON: false,
      doubleQuotedMinMultiLineLength: 40,
      falseStr: 'false',
      nullStr: 'null',
      simpleKeys: false,
      singleQuote: null,
      trailingComma: false,
      trueStr: 'true',
      verifyAliasOrder: true,
      ...doc.schema.toStringOptions,
      ...options,
    },
  };
}

const contexts = new Map<number, Ctx>();
const contextFor = (lineWidth: number) => contexts.get(lineWidth) ?? contexts.set(lineWidth, baseContext(lineWidth)).get(lineWidth)!;

const isPlainObject = (v: object): v is Record<string, unknown> => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/** A string as the library writes it in this context; `type` as toYaml's quoteUnsafe would set it. */
function scalarString(value: string, ctx: Ctx, style: EmitStyle, chompKeep: () => void): string {
  let type: Scalar.Type | undefined;
  if (HAS_UNSAFE.test(value)) type = Scalar.QUOTE_DOUBLE;
  else if (style.fold !== undefined && value.length > style.fold * 0.8 && !value.includes('\n')) type = Scalar.BLOCK_FOLDED;
  else if (bare(value)) return value;
  const item = new Scalar(value);
  if (type) item.type = type;
  return stringTag.stringify!(item, ctx as never, undefined, chompKeep);
}

/**
 * A scalar written the same in every context (a number, boolean, null or bare word), or undefined:
 * most values of a manifest, written without the context the library's writer needs.
 */
function plainScalar(value: unknown, style: EmitStyle): string | undefined {
  if (typeof value === 'string')
    return !HAS_UNSAFE.test(value) && !(style.fold !== undefined && value.length > style.fold * 0.8 && !value.includes('\n')) && bare(value)
      ? value
      : undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw new Unsupported('number');
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  return undefined;
}

function scalar(value: unknown, ctx: Ctx, style: EmitStyle, chompKeep: () => void): string | undefined {
  const plain = plainScalar(value, style);
  if (plain !== undefined) return plain;
  if (typeof value === 'string') return scalarString(value, ctx, style, chompKeep);
  // A string the compiler styled itself (the Gatekeeper template's Rego as a `|` block): written as the library writes that node.
  if (value instanceof Scalar && typeof value.value === 'string') {
    if (value.anchor || value.tag || value.comment || value.commentBefore || value.spaceBefore || value.format) throw new Unsupported('scalar props');
    return stringTag.stringify!(value, ctx as never, undefined, chompKeep);
  }
  return undefined;
}

/** A key of a map whose items are at `parent.indent`; `indent`: the key's own (the pair's). */
function key(k: string, parent: Ctx, indent: string): string {
  if (bare(k)) return k;
  const str = stringTag.stringify!(new Scalar(k), { ...parent, indent, implicitKey: true } as never);
  if (str.length > 1024 || str.includes('\n')) throw new Unsupported('key');
  return str;
}

/** A flow list of short strings (`[a, b]`), as stringifyFlowCollection writes it when it fits. */
function flowList(items: readonly string[], ctx: Ctx, style: EmitStyle): string {
  if (items.length === 0) return '[]';
  const itemCtx: Ctx = { ...ctx, indent: `${ctx.indent}    `, inFlow: true, type: null };
  const lines = items.map((s, i) => {
    const str = scalarString(s, itemCtx, style, () => {
      throw new Unsupported('chomp');
    });
    if (str.includes('\n')) throw new Unsupported('flow');
    return i < items.length - 1 ? `${str},` : str;
  });
  const width = lines.reduce((sum, line) => sum + line.length + 2, 2);
  if (width > (ctx.options as { lineWidth: number }).lineWidth) throw new Unsupported('flow wrap');
  return `[${lines.join(' ')}]`;
}

/** A block map or list in `ctx` (its items at ctx.indent), as stringifyBlockCollection writes it. */
function collection(value: object, ctx: Ctx, style: EmitStyle, chompKeep: () => void): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const itemCtx: Ctx = { ...ctx, indent: `${ctx.indent}  `, type: null };
    const lines = value.map((item) => `- ${node(item, itemCtx, style, chompKeep)}`);
    return lines.join(`\n${ctx.indent}`);
  }
  if (!isPlainObject(value)) throw new Unsupported('object');
  // One context for the values of every pair of this map: the library builds an equal one per pair.
  const pairs: PairContext = { parent: ctx, indent: `${ctx.indent}  ` };
  let out: string | undefined;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (v === undefined) continue;
    const line = pair(k, v, pairs, style, chompKeep);
    out = out === undefined ? line : `${out}\n${ctx.indent}${line}`;
  }
  return out ?? '{}';
}

/** The map a pair is in, and its pairs' shared value context, built on first use. */
interface PairContext {
  parent: Ctx;
  indent: string;
  value?: Ctx;
}

const valueContext = (p: PairContext): Ctx => (p.value ??= { ...p.parent, allNullValues: false, implicitKey: false, indent: p.indent });

function node(value: unknown, ctx: Ctx, style: EmitStyle, chompKeep: () => void): string {
  const s = scalar(value, ctx, style, chompKeep);
  if (s !== undefined) return s;
  if (typeof value !== 'object' || value === null) throw new Unsupported(typeof value);
  return collection(value, ctx, style, chompKeep);
}

/** `key: value` as stringifyPair writes it (never an explicit `? key`, never comments). */
function pair(k: string, v: unknown, pairs: PairContext, style: EmitStyle, chompKeep: () => void): string {
  const { indent } = pairs;
  const head = `${key(k, pairs.parent, indent)}:`;
  const plain = plainScalar(v, style);
  if (plain !== undefined) return `${head} ${plain}`;
  if (Array.isArray(v) && style.flow?.has(k) && v.every((x) => typeof x === 'string' && x.length < 40)) {
    return `${head} ${flowList(v as string[], valueContext(pairs), style)}`;
  }
  if (typeof v === 'object' && v !== null && !(v instanceof Scalar)) {
    const str = collection(v, valueContext(pairs), style, chompKeep);
    // An empty collection stays on the key's line as {} or []; any other goes below it.
    return str === '{}' || str === '[]' ? `${head} ${str}` : `${head}\n${indent}${str}`;
  }
  const ctx: Ctx = { ...valueContext(pairs), indentAtStart: head.length + 1 };
  const str = scalar(v, ctx, style, chompKeep);
  if (str === undefined) throw new Unsupported(typeof v);
  return str === '' || str[0] === '\n' ? head + str : `${head} ${str}`;
}

/** One document's text (with its final newline), or Unsupported. */
export function emitYaml(doc: unknown, lineWidth: number, style: EmitStyle): string {
  const ctx = { ...contextFor(lineWidth), forceBlockIndent: false };
  let kept = false;
  const body = node(doc, ctx, style, () => {
    kept = true;
  });
  // A kept final newline (`|+`) changes how the library ends the document: leave that to it.
  if (kept) throw new Unsupported('chomp keep');
  return `${body}\n`;
}
