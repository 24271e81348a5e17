/**
 * YAML as kubectl reads it. kubectl turns YAML into JSON with sigs.k8s.io/yaml, which decodes with
 * go-yaml v2: YAML 1.1 scalars (`yes`/`no`/`on`/`off`/`y`/`n` booleans, `0b`/`0o`/leading-0 octal
 * and `_`-separated integers), merge keys (`<<`), and timestamps kept as strings. The `yaml` library
 * parses the text (YAML 1.1 syntax, every scalar left as its source text); this module resolves
 * each scalar with go-yaml v2's rules, so podsec evaluates the object the cluster would store.
 * Constructs that other tools read differently, or that JSON cannot carry, are refused with the
 * line and a fix instead of being guessed at.
 */
import { Composer, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, Parser, Scalar, type Document, type Node } from 'yaml';
import { FixtureLoadError } from '../fixtures/errors.js';
import { INPUT_LIMITS, mib, type InputLimits } from './limits.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface YamlDocument {
  /** 0-based position of the document in the file (empty documents count, as kubectl's do not). */
  index: number;
  /** 1-based line where the document starts. */
  line: number;
  value: Json;
}

const TAG = 'tag:yaml.org,2002:';
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const FALSES = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
/** .inf/.nan resolve to floats JSON cannot carry: kubectl fails on them, so podsec does too. */
const NON_JSON_FLOATS = /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/;
/** Go strconv.ParseInt(s, 0, 64) prefixes, tried on the text with `_` removed (go-yaml v2). */
const INTEGERS: readonly [RegExp, string][] = [
  [/^([-+]?)0[xX]([0-9a-fA-F]+)$/, '0x'],
  [/^([-+]?)0[oO]([0-7]+)$/, '0o'],
  [/^([-+]?)0[bB]([01]+)$/, '0b'],
  [/^([-+]?)0([0-7]+)$/, '0o'],
  [/^([-+]?)([0-9]+)$/, ''],
];
const YAML_STYLE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

const clip = (s: string, n = 60) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);

class Resolver {
  private nodes = 0;
  constructor(
    private readonly doc: Document,
    private readonly where: (node: { range?: readonly number[] | null } | null | undefined) => string,
    private readonly limits: InputLimits,
  ) {}

  private fail(node: { range?: readonly number[] | null } | null | undefined, message: string): never {
    throw new FixtureLoadError(`${this.where(node)}: ${message}`);
  }

  private integer(node: Scalar, text: string): number | undefined {
    const plain = text.replace(/_/g, '');
    for (const [re, prefix] of INTEGERS) {
      const m = re.exec(plain);
      if (!m) continue;
      const big = BigInt(`${prefix}${m[2]}`) * (m[1] === '-' ? -1n : 1n);
      if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER))
        this.fail(node, `the integer ${clip(text)} is too large to read exactly. Fix: quote it if it is a string, or use a smaller number.`);
      return Number(big);
    }
    return undefined;
  }

  private number(node: Scalar, text: string): number | undefined {
    if (NON_JSON_FLOATS.test(text))
      this.fail(node, `${clip(text)} is an infinite or NaN float, which JSON (and so kubectl) cannot carry. Fix: quote it or use a number.`);
    const int = this.integer(node, text);
    if (int !== undefined) return int;
    const plain = text.startsWith('.') ? text : text.replace(/_/g, '');
    return YAML_STYLE_FLOAT.test(plain) ? Number(plain) : undefined;
  }

  /** A plain (unquoted, untagged) scalar, resolved as go-yaml v2 does. */
  private plain(node: Scalar, text: string): Json {
    if (NULLS.has(text)) return null;
    if (TRUES.has(text)) return true;
    if (FALSES.has(text)) return false;
    if (/^[-+.0-9]/.test(text)) {
      const n = this.number(node, text);
      if (n !== undefined) return n;
    }
    return text;
  }

  private scalar(node: Scalar): Json {
    const text = String(node.value ?? '');
    const tag = node.tag;
    const plainStyle = node.type === Scalar.PLAIN || node.type === undefined;
    if (!tag || tag === '!') return plainStyle && !tag ? this.plain(node, text) : text;
    switch (tag) {
      case `${TAG}str`:
        return text;
      case `${TAG}null`:
        if (!NULLS.has(text)) this.fail(node, `!!null ${clip(text)} is not a null. Fix: remove the tag or the value.`);
        return null;
      case `${TAG}bool`:
        if (TRUES.has(text)) return true;
        if (FALSES.has(text)) return false;
        return this.fail(node, `!!bool ${clip(text)} is not a YAML 1.1 boolean. Fix: use true or false.`);
      case `${TAG}int`: {
        const n = this.integer(node, text);
        if (n === undefined) this.fail(node, `!!int ${clip(text)} is not an integer. Fix: remove the tag or write an integer.`);
        return n;
      }
      case `${TAG}float`: {
        const n = this.number(node, text);
        if (n === undefined) this.fail(node, `!!float ${clip(text)} is not a number. Fix: remove the tag or write a number.`);
        return n;
      }
      default:
        return this.fail(node, `the tag ${clip(tag)} is not one podsec reads the way kubectl does. Fix: remove the tag and write the plain value.`);
    }
  }

  private key(node: unknown): string {
    if (isAlias(node)) return this.key(node.resolve(this.doc));
    if (!isScalar(node)) return this.fail(node as Node, 'a mapping key is itself a mapping or sequence, which JSON cannot carry. Fix: use a string key.');
    const v = this.scalar(node);
    if (v === null) return this.fail(node, 'a mapping key is null, which JSON cannot carry. Fix: use a string key.');
    return String(v);
  }

  private isMergeKey(node: unknown): boolean {
    return isScalar(node) && (node.tag === `${TAG}merge` || (!node.tag && node.type === Scalar.PLAIN && node.source === '<<'));
  }

  /** go-yaml v2 merges a mapping, or a list of mappings with the first one winning. */
  private merge(value: unknown, out: Record<string, Json>, depth: number, at: Node): string[] {
    const target = isAlias(value) ? value.resolve(this.doc) : value;
    const maps = isSeq(target) ? [...target.items].reverse() : [target];
    const merged: string[] = [];
    for (const m of maps) {
      const resolved = this.value(m, depth);
      if (typeof resolved !== 'object' || resolved === null || Array.isArray(resolved))
        this.fail(at, 'a merge key (<<) needs a mapping or a list of mappings. Fix: merge mappings only.');
      for (const [k, v] of Object.entries(resolved)) {
        out[k] = v;
        merged.push(k);
      }
    }
    return merged;
  }

  value(node: unknown, depth = 0): Json {
    if (depth > this.limits.maxDepth)
      this.fail(node as Node, `nesting is deeper than ${this.limits.maxDepth} levels (the limit; a Pod needs about 12). Fix: flatten the document.`);
    if (++this.nodes > this.limits.maxYamlNodes)
      this.fail(
        node as Node,
        `the document expands to more than ${this.limits.maxYamlNodes} values once its aliases (*name) are followed (an alias bomb?). Fix: write the values out instead of nesting aliases.`,
      );
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      if (!target) this.fail(node, `the alias *${node.source} names no anchor defined before it. Fix: define &${node.source} first.`);
      return this.value(target, depth + 1);
    }
    if (isScalar(node)) return this.scalar(node);
    if (isSeq(node)) {
      this.checkCollectionTag(node);
      if (node.items.length > this.limits.maxListItems)
        this.fail(node, `a list has ${node.items.length} items, more than the limit of ${this.limits.maxListItems}. Fix: split the input.`);
      return node.items.map((item) => this.value(item, depth + 1));
    }
    if (isMap(node)) {
      this.checkCollectionTag(node);
      const out: Record<string, Json> = {};
      const explicit = new Set<string>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (this.isMergeKey(pair.key)) {
          const merged = this.merge(pair.value, out, depth + 1, pair.key as Node);
          const overridden = merged.find((k) => explicit.has(k));
          if (overridden !== undefined)
            this.fail(
              pair.key as Node,
              `the merge key (<<) sets "${overridden}", which this mapping already set above it; kubectl (go-yaml v2) lets the merge win, other YAML readers keep the explicit value. Fix: put <<: before the explicit keys.`,
            );
          continue;
        }
        const k = this.key(pair.key);
        if (explicit.has(k)) this.fail(pair.key as Node, `the key "${k}" appears twice in one mapping. Fix: keep one of them.`);
        explicit.add(k);
        out[k] = this.value(pair.value, depth + 1);
      }
      return out;
    }
    return this.fail(node as Node, 'unsupported YAML node. Fix: write plain mappings, lists and scalars.');
  }

  private checkCollectionTag(node: Node): void {
    const tag = node.tag;
    if (tag && tag !== `${TAG}map` && tag !== `${TAG}seq` && tag !== '!' && tag !== `${TAG}omap`)
      this.fail(node, `the tag ${clip(tag)} is not one podsec reads the way kubectl does. Fix: remove it.`);
  }
}

/** Byte offsets of the `---`/`...` document markers; used to refuse an oversized document before composing it. */
function largestDocument(text: string): number {
  let largest = 0;
  let start = 0;
  const re = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    largest = Math.max(largest, m.index - start);
    start = m.index;
  }
  return Math.max(largest, text.length - start);
}

/**
 * The deepest nesting of flow collections (`[`/`{`), counting only brackets where a value can
 * start and skipping quoted text and comments. The YAML library recurses (and runs out of memory)
 * on hostile flow nesting, so this cheap scan refuses it first; the resolver enforces the exact
 * limit on what parses.
 */
function flowDepth(text: string, stopAt: number): number {
  let depth = 0;
  let max = 0;
  let prev = '\n';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const valueStart = prev === '\n' || prev === ':' || prev === '-' || prev === '[' || prev === '{' || prev === ',' || prev === '?';
    if ((c === '"' || c === "'") && valueStart) {
      let close = text.indexOf(c, i + 1);
      while (c === '"' && close > 0 && text[close - 1] === '\\') close = text.indexOf(c, close + 1);
      i = close < 0 ? text.length : close;
      prev = 'x';
      continue;
    }
    if (c === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if ((c === '[' || c === '{') && valueStart) {
      max = Math.max(max, ++depth);
      if (max > stopAt) return max;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
    if (c !== ' ' && c !== '\t' && c !== '\r') prev = c;
  }
  return max;
}

/** Parses a multi-document YAML stream the way kubectl does. `file` names the input in errors. */
export function parseKubeYaml(text: string, file: string, limits: InputLimits = INPUT_LIMITS): YamlDocument[] {
  const biggest = largestDocument(text);
  if (biggest > limits.maxYamlDocumentBytes)
    throw new FixtureLoadError(
      `${file}: a YAML document is ${mib(biggest)}, more than the ${mib(limits.maxYamlDocumentBytes)} limit (the API server's request limit). Fix: split it into documents separated by ---, or pass it as JSON (kubectl get -o json).`,
    );
  if (flowDepth(text, limits.maxDepth) > limits.maxDepth)
    throw new FixtureLoadError(`${file}: nesting is deeper than ${limits.maxDepth} levels (the limit; a Pod needs about 12). Fix: flatten the document.`);
  const lines = new LineCounter();
  const at = (offset: number | undefined) => {
    if (offset === undefined) return file;
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const out: YamlDocument[] = [];
  const parser = new Parser(lines.addNewLine);
  const composer = new Composer({ version: '1.1', schema: 'failsafe', uniqueKeys: false, strict: true });
  let index = 0;
  const take = (doc: Document.Parsed) => {
    const i = index++;
    const err = doc.errors[0];
    if (err)
      throw new FixtureLoadError(
        `${at(err.pos[0])}: document ${i} is not valid YAML/JSON (${err.message
          .split('\n')[0]!
          .replace(/ at line \d+, column \d+:?$/, '')
          .slice(0, 200)}). Fix: correct the syntax there.`,
      );
    const resolver = new Resolver(doc, (node) => at(node?.range?.[0]), limits);
    let value: Json;
    try {
      value = resolver.value(doc.contents);
    } catch (e) {
      if (e instanceof RangeError)
        throw new FixtureLoadError(`${at(doc.range[0])}: document ${i} nests too deeply to read (limit ${limits.maxDepth} levels). Fix: flatten it.`);
      throw e;
    }
    out.push({ index: i, line: lines.linePos(doc.range[0]).line, value });
  };
  try {
    for (const token of parser.parse(text)) for (const doc of composer.next(token)) take(doc);
    for (const doc of composer.end(false, text.length)) take(doc);
  } catch (e) {
    // The parser recurses on flow collections; a stack overflow there is hostile nesting.
    if (e instanceof RangeError)
      throw new FixtureLoadError(`${file}: nesting is too deep to read (limit ${limits.maxDepth} levels). Fix: flatten the document.`);
    throw e;
  }
  return out;
}
