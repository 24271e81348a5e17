/**
 * A small algebra of Kyverno validate patterns (pkg/engine/validate, pkg/engine/anchor):
 * trees of maps, lists and scalar leaves whose map keys carry a presence mode.
 *
 * - `required` `k`: the key must be present and match (a missing key fails the rule);
 * - `optional` `=(k)`: if present it must match (equality anchor);
 * - `forbidden` `X(k)`: the key must be absent (negation anchor, value `"null"`).
 *
 * A list node `[item]` with a map item applies the item to every element (validateArrayOfMaps); an
 * empty list passes. `merge` is conjunction; a disjunction is a list of trees, emitted as `anyPattern`.
 */

export type Presence = 'required' | 'optional' | 'forbidden';
export type ScalarPattern = string | number | boolean;

export type PatternNode =
  | { kind: 'map'; entries: ReadonlyMap<string, PatternEntry> }
  | { kind: 'list'; item: PatternNode }
  | { kind: 'value'; value: ScalarPattern };

export interface PatternEntry {
  presence: Presence;
  node: PatternNode;
}

/** The value a negation anchor carries; Kyverno ignores it, the house style writes `"null"`. */
const FORBIDDEN_VALUE: PatternNode = { kind: 'value', value: 'null' };

export const mapNode = (entries: [string, PatternEntry][]): PatternNode => ({ kind: 'map', entries: new Map(entries) });
export const listNode = (item: PatternNode): PatternNode => ({ kind: 'list', item });
export const valueNode = (value: ScalarPattern): PatternNode => ({ kind: 'value', value });

/** Does the node accept an empty map / missing value? Decides whether a parent key may be `=()`-anchored. */
export function passesWhenAbsent(node: PatternNode): boolean {
  if (node.kind === 'list') return true;
  if (node.kind === 'value') return false;
  return [...node.entries.values()].every((e) => e.presence !== 'required');
}

/**
 * `{k: node}` where `k` is required only when the node cannot pass on nothing: a missing parent
 * object then behaves as evaluate.ts's readPath (every value under it absent).
 */
export function keyed(key: string, node: PatternNode): PatternNode {
  return mapNode([[key, { presence: passesWhenAbsent(node) ? 'optional' : 'required', node }]]);
}

/** `{k: leaf}` for the last key of a field path. */
export function leaf(key: string, presence: Presence, value?: ScalarPattern): PatternNode {
  if (presence === 'forbidden') return mapNode([[key, { presence, node: FORBIDDEN_VALUE }]]);
  if (value === undefined) throw new Error('a required or optional leaf needs a value');
  return mapNode([[key, { presence, node: valueNode(value) }]]);
}

/** Nests `inner` under `path` (outermost key first), anchoring each level by `keyed`. */
export function atPath(path: readonly string[], inner: PatternNode): PatternNode {
  return path.reduceRight((node, key) => keyed(key, node), inner);
}

const STRONGER: Record<Presence, Record<Presence, Presence | undefined>> = {
  required: { required: 'required', optional: 'required', forbidden: undefined },
  optional: { required: 'required', optional: 'optional', forbidden: undefined },
  forbidden: { required: undefined, optional: undefined, forbidden: 'forbidden' },
};

/**
 * Conjunction of two trees, or undefined when one tree cannot say it (a key both forbidden and
 * constrained, two different scalars at one place, a map against a list).
 * `=(k): A` ∧ `k: B` ≡ `k: A ∧ B`, because the second already requires `k`.
 */
export function merge(a: PatternNode, b: PatternNode): PatternNode | undefined {
  if (a.kind === 'value' && b.kind === 'value') return a.value === b.value ? a : undefined;
  if (a.kind === 'list' && b.kind === 'list') {
    const item = merge(a.item, b.item);
    return item && listNode(item);
  }
  if (a.kind === 'map' && b.kind === 'map') {
    const out = new Map(a.entries);
    for (const [key, eb] of b.entries) {
      const ea = out.get(key);
      if (!ea) {
        out.set(key, eb);
        continue;
      }
      const presence = STRONGER[ea.presence][eb.presence];
      if (!presence) return undefined;
      const node = presence === 'forbidden' ? FORBIDDEN_VALUE : merge(ea.node, eb.node);
      if (!node) return undefined;
      out.set(key, { presence, node });
    }
    return { kind: 'map', entries: out };
  }
  return undefined;
}

/** Alternatives (a disjunction) of pattern trees; undefined = not expressible as patterns. */
export type Alternatives = PatternNode[] | undefined;

/** Upper bound on `anyPattern` entries, so conjunctions of disjunctions fall back to conditions instead of exploding. */
export const MAX_ALTERNATIVES = 8;

/** Conjunction of disjunctions: the cross product, merged pairwise. */
export function conjoin(parts: Alternatives[]): Alternatives {
  let acc: PatternNode[] = [mapNode([])];
  for (const part of parts) {
    if (!part) return undefined;
    const next: PatternNode[] = [];
    for (const x of acc) {
      for (const y of part) {
        const m = merge(x, y);
        if (!m) return undefined;
        next.push(m);
      }
    }
    if (next.length > MAX_ALTERNATIVES) return undefined;
    acc = next;
  }
  return acc;
}

export function disjoin(parts: Alternatives[]): Alternatives {
  const out: PatternNode[] = [];
  for (const part of parts) {
    if (!part) return undefined;
    out.push(...part);
  }
  return out.length > MAX_ALTERNATIVES || out.length === 0 ? undefined : out;
}

const ANCHOR: Record<Presence, (k: string) => string> = {
  required: (k) => k,
  optional: (k) => `=(${k})`,
  forbidden: (k) => `X(${k})`,
};

/**
 * The tree as the plain object written into the policy. Keys are sorted so output does not depend
 * on the order checks were merged in; anchored and plain keys sort by field name.
 */
export function renderPattern(node: PatternNode): unknown {
  if (node.kind === 'value') return node.value;
  if (node.kind === 'list') return [renderPattern(node.item)];
  const keys = [...node.entries.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  return Object.fromEntries(
    keys.map((k) => {
      const e = node.entries.get(k)!;
      return [ANCHOR[e.presence](k), renderPattern(e.node)];
    }),
  );
}
