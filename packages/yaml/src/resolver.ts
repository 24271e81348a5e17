/**
 * Turns one composed document (every scalar left as its source text: the `failsafe` schema) into
 * JSON, resolving each scalar by go-yaml v2's YAML 1.1 rules (or the YAML 1.2 core schema), with
 * merge keys, aliases and the limits. A construct that tools read differently is refused in
 * strict mode; in warn mode it is read as Go reads it and named in a warning.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, type Document, type Node } from 'yaml';
import type { YamlLimits } from './limits.js';
import { GO_YAML_V2, isScalarValue, resolveInteger, resolveNumber, resolvePlain, YAML_12_CORE, type Resolved } from './scalars.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export type YamlMode = 'strict' | 'warn';

export class GoYamlError extends Error {
  override name = 'GoYamlError';
}

const TAG = 'tag:yaml.org,2002:';
type Located = { range?: readonly number[] | null } | null | undefined;

const clip = (s: string, n = 60) => JSON.stringify(s.length > n ? `${s.slice(0, n)}…` : s);
const show = (v: Resolved) => (isScalarValue(v) ? JSON.stringify(v) : 'inexact' in v ? v.inexact : v.nonJson);

export interface ResolverOptions {
  mode: YamlMode;
  /** Resolve plain scalars by go-yaml v2's YAML 1.1 rules (true) or the YAML 1.2 core schema. */
  yaml11: boolean;
  limits: YamlLimits;
  /** `file:line:col` of a node. */
  where: (node: Located) => string;
  /** Where warn-mode warnings go. */
  warn: (message: string) => void;
  /** 0-based index of the document, for messages. */
  index: number;
}

export class Resolver {
  private nodes = 0;
  /** The path to the value being resolved, for warnings (a stack, so aliases cost no copies). */
  private readonly path: (string | number)[] = [];
  constructor(
    private readonly doc: Document,
    private readonly o: ResolverOptions,
  ) {}

  private fail(node: Located, message: string): never {
    throw new GoYamlError(`${this.o.where(node)}: ${message}`);
  }

  /** Strict mode refuses; warn mode reads on and says what it read. */
  private either(node: Located, refusal: string, warning: string): void {
    if (this.o.mode === 'strict') this.fail(node, refusal);
    this.o.warn(`${this.o.where(node)}: document ${this.o.index}, ${this.shownPath()}: ${warning}`);
  }

  private shownPath(): string {
    return (
      this.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '') || '(root)'
    );
  }

  /** A resolved number or the refusal (or, in warn mode, the nearest double) for one JSON cannot carry. */
  private finish(node: Scalar, r: Resolved): Json {
    if (isScalarValue(r)) return r;
    if ('nonJson' in r)
      return this.fail(node, `${clip(r.nonJson)} is an infinite or NaN float, which JSON (and so kubectl) cannot carry. Fix: quote it or use a number.`);
    const near = Number(r.inexact.replace(/_/g, ''));
    this.either(
      node,
      `the integer ${clip(r.inexact)} is too large to read exactly. Fix: quote it if it is a string, or use a smaller number.`,
      `the integer ${clip(r.inexact)} is too large to read exactly; read as ${near}. Fix: quote it if it is a string, or use a smaller number.`,
    );
    return Number.isFinite(near) ? near : r.inexact;
  }

  /** A plain scalar; in warn mode under YAML 1.1, a value YAML 1.2 reads differently is named. */
  private plain(node: Scalar, text: string): Json {
    const read = resolvePlain(this.o.yaml11 ? GO_YAML_V2 : YAML_12_CORE, text);
    if (this.o.mode === 'warn' && this.o.yaml11) {
      const as12 = resolvePlain(YAML_12_CORE, text);
      if (isScalarValue(read) && isScalarValue(as12) && !Object.is(read, as12))
        this.o.warn(
          `${this.o.where(node)}: document ${this.o.index}, ${this.shownPath()}: read as ${show(read)} (YAML 1.1, as Go reads it); YAML 1.2 reads ${show(as12)}. Fix: quote the value, or write the 1.2 form, so that every tool agrees.`,
        );
    }
    return this.finish(node, read);
  }

  private scalar(node: Scalar): Json {
    const text = String(node.value ?? '');
    const tag = node.tag;
    const plainStyle = node.type === Scalar.PLAIN || node.type === undefined;
    if (!tag || tag === '!') return plainStyle && !tag ? this.plain(node, text) : text;
    const rules = this.o.yaml11 ? GO_YAML_V2 : YAML_12_CORE;
    switch (tag) {
      case `${TAG}str`:
        return text;
      case `${TAG}null`:
        if (!rules.nulls.has(text)) this.fail(node, `!!null ${clip(text)} is not a null. Fix: remove the tag or the value.`);
        return null;
      case `${TAG}bool`:
        if (rules.trues.has(text)) return true;
        if (rules.falses.has(text)) return false;
        return this.fail(node, `!!bool ${clip(text)} is not a YAML ${this.o.yaml11 ? '1.1' : '1.2'} boolean. Fix: use true or false.`);
      case `${TAG}int`: {
        const n = resolveInteger(rules, text);
        if (n === undefined) this.fail(node, `!!int ${clip(text)} is not an integer. Fix: remove the tag or write an integer.`);
        return this.finish(node, n);
      }
      case `${TAG}float`: {
        const n = resolveNumber(rules, text);
        if (n === undefined) this.fail(node, `!!float ${clip(text)} is not a number. Fix: remove the tag or write a number.`);
        return this.finish(node, n);
      }
      default:
        // go-yaml v2 keeps the text of a scalar under a tag it does not know.
        this.either(
          node,
          `the tag ${clip(tag)} is not one podsec reads the way kubectl does. Fix: remove the tag and write the plain value.`,
          `the tag ${clip(tag)} is ignored and the value read as the string ${clip(text)}, as Go reads it. Fix: remove the tag.`,
        );
        return text;
    }
  }

  private key(node: unknown): string {
    if (isAlias(node)) return this.key(node.resolve(this.doc));
    if (!isScalar(node)) return this.fail(node as Node, 'a mapping key is itself a mapping or sequence, which JSON cannot carry. Fix: use a string key.');
    const v = this.scalar(node);
    if (v === null) return this.fail(node, 'a mapping key is null, which JSON cannot carry. Fix: use a string key.');
    return String(v);
  }

  /** `<<` is a merge key under YAML 1.1 only; YAML 1.2 reads it as a key named "<<". */
  private isMergeKey(node: unknown): boolean {
    if (!isScalar(node)) return false;
    if (node.tag === `${TAG}merge`) return true;
    return this.o.yaml11 && !node.tag && node.type === Scalar.PLAIN && node.source === '<<';
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
    const { limits } = this.o;
    if (depth > limits.maxDepth)
      this.fail(node as Node, `nesting is deeper than ${limits.maxDepth} levels (the limit; a Pod needs about 12). Fix: flatten the document.`);
    if (++this.nodes > limits.maxYamlNodes)
      this.fail(
        node as Node,
        `the document expands to more than ${limits.maxYamlNodes} values once its aliases (*name) are followed (an alias bomb?). Fix: write the values out instead of nesting aliases.`,
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
      if (node.items.length > limits.maxListItems)
        this.fail(node, `a list has ${node.items.length} items, more than the limit of ${limits.maxListItems}. Fix: split the input.`);
      return node.items.map((item, i) => {
        this.path.push(i);
        const v = this.value(item, depth + 1);
        this.path.pop();
        return v;
      });
    }
    if (isMap(node)) return this.mapping(node, depth);
    return this.fail(node as Node, 'unsupported YAML node. Fix: write plain mappings, lists and scalars.');
  }

  private mapping(node: Node & { items: unknown[] }, depth: number): Json {
    this.checkCollectionTag(node);
    const out: Record<string, Json> = {};
    const explicit = new Set<string>();
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if (this.isMergeKey(pair.key)) {
        const merged = this.merge(pair.value, out, depth + 1, pair.key as Node);
        if (this.o.mode === 'warn')
          this.o.warn(
            `${this.o.where(pair.key as Node)}: document ${this.o.index}, ${this.shownPath()}: the merge key (<<) is merged, as Go reads it (YAML 1.1); YAML 1.2 reads a key named "<<". Fix: write the keys out, so that every tool agrees.`,
          );
        const overridden = merged.find((k) => explicit.has(k));
        if (overridden !== undefined)
          this.either(
            pair.key as Node,
            `the merge key (<<) sets "${overridden}", which this mapping already set above it; kubectl (go-yaml v2) lets the merge win, other YAML readers keep the explicit value. Fix: put <<: before the explicit keys.`,
            `the merge key (<<) sets "${overridden}", which this mapping already set above it; read as Go reads it (the merge wins), other YAML readers keep the explicit value. Fix: put <<: before the explicit keys.`,
          );
        continue;
      }
      const k = this.key(pair.key);
      if (explicit.has(k)) this.fail(pair.key as Node, `the key "${k}" appears twice in one mapping. Fix: keep one of them.`);
      explicit.add(k);
      this.path.push(k);
      out[k] = this.value(pair.value, depth + 1);
      this.path.pop();
    }
    return out;
  }

  private checkCollectionTag(node: Node): void {
    const tag = node.tag;
    if (tag && tag !== `${TAG}map` && tag !== `${TAG}seq` && tag !== '!' && tag !== `${TAG}omap`)
      this.fail(node, `the tag ${clip(tag)} is not one podsec reads the way kubectl does. Fix: remove it.`);
  }
}
