// Rego value model for the in-Wasm evaluator. Objects and sets are kept sorted in OPA's canonical
// order so that dumps are deterministic and equality is a linear walk.

export const K_NULL: i32 = 0;
export const K_BOOL: i32 = 1;
export const K_NUM: i32 = 2;
export const K_STR: i32 = 3;
export const K_ARR: i32 = 4;
export const K_OBJ: i32 = 5;
export const K_SET: i32 = 6;
/**
 * An object member's composite value not parsed yet (json.ts, lazy mode): the bytes of an input
 * the evaluation reads through are already validated, and only the members it reads are built.
 * Never seen outside ObjV.vals: every read of a member goes through objVal(), which parses it
 * once and puts the result in its place.
 */
export const K_RAW: i32 = 7;

export class Value {
  constructor(public kind: i32) {}
}
export class BoolV extends Value {
  constructor(public b: bool) { super(K_BOOL); }
}
export class NumV extends Value {
  constructor(public n: f64) { super(K_NUM); }
}
export class StrV extends Value {
  constructor(public s: string) { super(K_STR); }
}
export class ArrV extends Value {
  constructor(public items: Array<Value>) { super(K_ARR); }
}
export class ObjV extends Value {
  /**
   * Lazy input (json.ts): where the object's bytes start while its members are not built yet, else
   * 0. A pending object answers lookups of string keys from its bytes (pendingGet); anything else
   * that reads its members (iteration, comparison, dumps, count) builds them first.
   */
  pending: usize = 0;
  /** While pending, once looked up: where its members' keys and values are in its bytes (json.ts). */
  index: usize = 0;
  /** The number of entries in `index`. */
  members: i32 = 0;
  // The last two keys looked up while pending (their addresses; 0: none) and their values (0:
  // absent): `input.review` and `input.review.object` head most of a policy's references.
  lastKey: usize = 0;
  lastValue: usize = 0;
  lastKey2: usize = 0;
  lastValue2: usize = 0;
  constructor(public _keys: Array<Value>, public _vals: Array<Value>) { super(K_OBJ); }
  get keys(): Array<Value> {
    if (this.pending != 0) buildPending(this);
    return this._keys;
  }
  get vals(): Array<Value> {
    if (this.pending != 0) buildPending(this);
    return this._vals;
  }
}
export class SetV extends Value {
  constructor(public items: Array<Value>) { super(K_SET); }
}
export class RawV extends Value {
  parsed: Value | null = null;
  constructor(public start: usize, public end: usize) { super(K_RAW); }
}

/**
 * `a[i] = v` for an index known to be inside `a`: AssemblyScript's Array has no unchecked store
 * (`unchecked(a[i] = v)` still calls __set, which checks the length and may grow the array).
 */
// @ts-ignore: decorator
@inline export function put<T>(a: Array<T>, i: i32, v: T): void { store<T>(a.dataStart + (<usize>i << alignof<T>()), v); }

/** Parses a RawV (set by json.ts, which depends on this module). */
let parseRaw: (r: RawV) => Value = (r: RawV): Value => { unreachable(); return r; };
export function setRawParser(f: (r: RawV) => Value): void { parseRaw = f; }

/** Builds a pending object's members, and looks a string key up in one (set by json.ts). */
let buildPending: (o: ObjV) => void = (o: ObjV): void => { unreachable(); };
let pendingGet: (o: ObjV, k: Value) => Value | null = (o: ObjV, k: Value): Value | null => { unreachable(); return null; };
export function setPendingObjects(build: (o: ObjV) => void, get: (o: ObjV, k: Value) => Value | null): void {
  buildPending = build;
  pendingGet = get;
}

/** Member `i` of an object, parsed first if it was left raw. */
export function objVal(o: ObjV, i: i32): Value {
  const v = unchecked(o.vals[i]);
  if (v.kind != K_RAW) return v;
  const r = changetype<RawV>(v);
  let p = r.parsed;
  if (p === null) { p = parseRaw(r); r.parsed = p; }
  put<Value>(o.vals, i, p);
  return p;
}

/** Every member of an object parsed (before its values are handed out as one array). */
export function objVals(o: ObjV): Array<Value> {
  const n = o.vals.length;
  for (let i = 0; i < n; i++) objVal(o, i);
  return o.vals;
}

// Values are never mutated after construction, so null, the two booleans and the small integers
// (counts, indexes, most numbers in a manifest) are shared instead of allocated per use. They are
// built by initShared() from the start function, after the plan area is reserved (see
// assembly/index.ts): allocating them during an evaluation would put them in the heap the SDK resets.
let NULL: Value = changetype<Value>(0);
let TRUE: Value = changetype<Value>(0);
let FALSE: Value = changetype<Value>(0);
const SMALL_INTS: i32 = 256;
let SMALL: StaticArray<Value> = changetype<StaticArray<Value>>(0);
export function initShared(): void {
  NULL = new Value(K_NULL);
  TRUE = new BoolV(true);
  FALSE = new BoolV(false);
  SMALL = new StaticArray<Value>(SMALL_INTS);
  for (let i = 0; i < SMALL_INTS; i++) unchecked(SMALL[i] = new NumV(<f64>i));
}
export function mkNull(): Value { return NULL; }
export function mkBool(b: bool): Value { return b ? TRUE : FALSE; }
// @ts-ignore: decorator
@inline export function mkNum(n: f64): Value {
  // Integers 0..255 by their bits (so -0, which divides differently, keeps a value of its own).
  const i = <i32>n;
  if (<u32>i < <u32>SMALL_INTS && reinterpret<u64>(n) == reinterpret<u64>(<f64>i)) return unchecked(SMALL[i]);
  return new NumV(n);
}
// @ts-ignore: decorator
@inline export function mkStr(s: string): Value { return new StrV(s); }

// @ts-ignore: decorator
@inline export function asBool(v: Value): BoolV { return changetype<BoolV>(v); }
// @ts-ignore: decorator
@inline export function asNum(v: Value): NumV { return changetype<NumV>(v); }
// @ts-ignore: decorator
@inline export function asStr(v: Value): StrV { return changetype<StrV>(v); }
// @ts-ignore: decorator
@inline export function asArr(v: Value): ArrV { return changetype<ArrV>(v); }
// @ts-ignore: decorator
@inline export function asObj(v: Value): ObjV { return changetype<ObjV>(v); }
// @ts-ignore: decorator
@inline export function asSet(v: Value): SetV { return changetype<SetV>(v); }

/** Maps a UTF-16 unit so that unit order equals Unicode code point order (Go compares UTF-8 bytes). */
// @ts-ignore: decorator
@inline function cpOrder(c: i32): i32 {
  if (c < 0xd800) return c;
  return c >= 0xe000 ? c - 0x800 : c + 0x2000;
}

export function cmpStr(a: string, b: string): i32 {
  if (changetype<usize>(a) == changetype<usize>(b)) return 0;
  const n = min(a.length, b.length);
  const pa = changetype<usize>(a), pb = changetype<usize>(b);
  for (let i = 0; i < n; i++) {
    // Equal units need no mapping; only the first difference is put in code point order.
    const o = <usize>i << 1;
    const u = <i32>load<u16>(pa + o), w = <i32>load<u16>(pb + o);
    if (u == w) continue;
    const x = cpOrder(u), y = cpOrder(w);
    return x < y ? -1 : 1;
  }
  return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1);
}

function cmpList(a: Array<Value>, b: Array<Value>): i32 {
  const n = min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compare(unchecked(a[i]), unchecked(b[i]));
    if (c != 0) return c;
  }
  return a.length == b.length ? 0 : (a.length < b.length ? -1 : 1);
}

/** OPA's total order: null < booleans < numbers < strings < arrays < objects < sets. */
export function compare(a: Value, b: Value): i32 {
  // Values are immutable once built, so a shared value (a folded constant, a memoised rule) equals itself.
  if (changetype<usize>(a) == changetype<usize>(b)) return 0;
  if (a.kind != b.kind) return a.kind < b.kind ? -1 : 1;
  switch (a.kind) {
    case K_NULL: return 0;
    case K_BOOL: {
      const x = asBool(a).b, y = asBool(b).b;
      return x == y ? 0 : (x ? 1 : -1);
    }
    case K_NUM: {
      const x = asNum(a).n, y = asNum(b).n;
      return x == y ? 0 : (x < y ? -1 : 1);
    }
    case K_STR: return cmpStr(asStr(a).s, asStr(b).s);
    case K_ARR: return cmpList(asArr(a).items, asArr(b).items);
    case K_OBJ: {
      const x = asObj(a), y = asObj(b);
      const n = min(x.keys.length, y.keys.length);
      for (let i = 0; i < n; i++) {
        let c = compare(unchecked(x.keys[i]), unchecked(y.keys[i]));
        if (c != 0) return c;
        c = compare(objVal(x, i), objVal(y, i));
        if (c != 0) return c;
      }
      return x.keys.length == y.keys.length ? 0 : (x.keys.length < y.keys.length ? -1 : 1);
    }
    default: return cmpList(asSet(a).items, asSet(b).items);
  }
}

export function equal(a: Value, b: Value): bool { return compare(a, b) == 0; }

/** Index of `k` in a sorted list, or -(insertion point) - 1. */
export function search(list: Array<Value>, k: Value): i32 {
  let lo = 0, hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(unchecked(list[mid]), k);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

/**
 * search() for a string key: object keys are mostly strings, and a lookup's key mostly the plan's
 * own value for it, which an input key with the same bytes is too (intern.ts): then the keys
 * compare by pointer before their units are.
 */
function searchStr(list: Array<Value>, k: Value): i32 {
  const s = asStr(k).s;
  let lo = 0, hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const m = unchecked(list[mid]);
    if (m === k) return mid;
    // OPA's order between kinds (see compare()): null, booleans and numbers before strings.
    const c = m.kind == K_STR ? cmpStr(asStr(m).s, s) : (m.kind < K_STR ? -1 : 1);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1; else hi = mid - 1;
  }
  return -lo - 1;
}

export function objGet(o: ObjV, k: Value): Value | null {
  if (k.kind == K_STR) {
    if (o.pending != 0) {
      const key = changetype<usize>(k);
      if (key == o.lastKey) return changetype<Value | null>(o.lastValue);
      if (key == o.lastKey2) return changetype<Value | null>(o.lastValue2);
      const v = pendingGet(o, k);
      o.lastKey2 = o.lastKey;
      o.lastValue2 = o.lastValue;
      o.lastKey = key;
      o.lastValue = changetype<usize>(v);
      return v;
    }
    const i = searchStr(o._keys, k);
    return i >= 0 ? objVal(o, i) : null;
  }
  const i = search(o.keys, k);
  return i >= 0 ? objVal(o, i) : null;
}

/** Inserts or replaces; returns false if the key existed with a different value. */
export function objPut(o: ObjV, k: Value, v: Value, replace: bool): bool {
  const i = search(o.keys, k);
  if (i >= 0) {
    if (replace) { o.vals[i] = v; return true; }
    return equal(objVal(o, i), v);
  }
  const at = -i - 1;
  insertAt(o.keys, at, k);
  insertAt(o.vals, at, v);
  return true;
}

export function setAdd(s: SetV, v: Value): void {
  const i = search(s.items, v);
  if (i < 0) insertAt(s.items, -i - 1, v);
}

export function setHas(s: SetV, v: Value): bool { return search(s.items, v) >= 0; }

function insertAt(list: Array<Value>, at: i32, v: Value): void {
  list.push(v);
  for (let j = list.length - 1; j > at; j--) list[j] = list[j - 1];
  list[at] = v;
}

export function newObj(): ObjV { return new ObjV(new Array<Value>(), new Array<Value>()); }

/** An empty object with room for `n` members (the stub allocator cannot grow a list in place). */
export function newObjFor(n: i32): ObjV {
  const keys = new Array<Value>(n), vals = new Array<Value>(n);
  keys.length = 0;
  vals.length = 0;
  return new ObjV(keys, vals);
}
export function newSet(): SetV { return new SetV(new Array<Value>()); }

/** Sorts and deduplicates freshly collected set members in one pass (cheaper than repeated inserts). */
export function setFrom(items: Array<Value>): SetV {
  const sorted = items.slice(0);
  sorted.sort((a: Value, b: Value): i32 => compare(a, b));
  const out = new Array<Value>();
  for (let i = 0; i < sorted.length; i++) {
    if (out.length == 0 || compare(out[out.length - 1], sorted[i]) != 0) out.push(sorted[i]);
  }
  return new SetV(out);
}

/**
 * setFrom for a list nobody else holds (freshly collected members): sorted in place, and a list
 * of at most one member is already a set (the common case of a violation set).
 */
export function setFromOwned(items: Array<Value>): SetV {
  if (items.length <= 1) return new SetV(items);
  items.sort((a: Value, b: Value): i32 => compare(a, b));
  const out = new Array<Value>();
  for (let i = 0; i < items.length; i++) {
    if (out.length == 0 || compare(out[out.length - 1], items[i]) != 0) out.push(items[i]);
  }
  return new SetV(out);
}

export function typeName(v: Value): string {
  switch (v.kind) {
    case K_NULL: return "null";
    case K_BOOL: return "boolean";
    case K_NUM: return "number";
    case K_STR: return "string";
    case K_ARR: return "array";
    case K_OBJ: return "object";
    default: return "set";
  }
}

/** Rego truthiness for body expressions: anything defined except `false`. */
export function isFalse(v: Value): bool { return v.kind == K_BOOL && !asBool(v).b; }

/** Collection members as (key, value) pairs; strings and scalars have none. */
export function keysOf(c: Value): Array<Value> {
  if (c.kind == K_ARR) {
    const n = asArr(c).items.length;
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = mkNum(<f64>i);
    return out;
  }
  if (c.kind == K_OBJ) return asObj(c).keys;
  if (c.kind == K_SET) return asSet(c).items;
  return new Array<Value>();
}

// @ts-ignore: decorator
@inline export function valuesOf(c: Value): Array<Value> {
  if (c.kind == K_ARR) return asArr(c).items;
  if (c.kind == K_OBJ) return objVals(asObj(c));
  if (c.kind == K_SET) return asSet(c).items;
  return new Array<Value>();
}

// @ts-ignore: decorator
@inline export function lookup(c: Value, k: Value): Value | null {
  if (c.kind == K_OBJ) return objGet(asObj(c), k);
  if (c.kind == K_ARR) {
    if (k.kind != K_NUM) return null;
    const n = asNum(k).n;
    const items = asArr(c).items;
    if (n != Math.floor(n) || n < 0 || n >= <f64>items.length) return null;
    return items[<i32>n];
  }
  if (c.kind == K_SET) return setHas(asSet(c), k) ? k : null;
  return null;
}
