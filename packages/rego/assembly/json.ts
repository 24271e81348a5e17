// JSON text <-> Value. Parses UTF-8 straight from linear memory; dumps in OPA's canonical form
// (sorted object keys, sets as arrays, integers without a fraction).
import {
  Value, ArrV, ObjV, RawV, setRawParser, objVal, K_NULL, K_BOOL, K_NUM, K_STR, K_ARR, K_OBJ, mkNull, mkBool, mkNum, mkStr, asBool, asNum, asStr, asArr, asObj, asSet, objPut, objGet, newObj, cmpStr, put, setPendingObjects,
} from "./values";
import { internPlanString, isAscii, planStringAt } from "./intern";

/** Deeper documents are rejected rather than risking a Wasm stack overflow. */
export const MAX_DEPTH: i32 = 512;

export class Parser {
  pos: usize;
  end: usize;
  error: string = "";
  /**
   * Lazy mode (the input of one evaluation, whose bytes stay in place until it ends): the whole
   * document is validated first; an object read from it stays pending (ObjV.pending), answering
   * key lookups from its bytes, and one that is built keeps its string and composite members as
   * RawV spans, parsed when first read. A Pod policy reads a few of an object's fields, so most of
   * the input is never built. Values parsed
   * once and kept across evaluations (opa_json_parse: data, batch inputs) must not be lazy: the
   * heap their members would be parsed into is reset between evaluations.
   */
  lazy: bool = false;
  /** Decoding the plan: every string becomes the plan's one value for it (intern.ts). */
  planStrings: bool = false;
  /** Lazy mode inside a raw member: its bytes were validated and lazyEnds holds its composites' ends. */
  validated: bool = false;
  constructor(public base: usize, len: usize, stackSize: i32 = 64) {
    this.pos = base;
    this.end = base + len;
    this.stack = new Array<Value>(stackSize);
  }

  fail(msg: string): Value | null {
    if (this.error.length == 0) this.error = msg + " at byte " + (this.pos - this.base).toString();
    return null;
  }
  ws(): void { this.pos = skipWs(this.pos, this.end); }
  peek(): i32 { return this.pos < this.end ? <i32>load<u8>(this.pos) : -1; }
  tooDeep(): Value | null { return this.fail("nesting deeper than " + MAX_DEPTH.toString() + " levels"); }

  // Inlined, with validate(), into the evaluation's one call per input (index.ts podsec_eval), so
  // that code runs inside the validation loop's function: V8 moves a function to its optimising
  // compiler after a budget of bytes executed, and a function called once per evaluation would
  // wait thousands of evaluations for it.
  // @ts-ignore: decorator
  @inline parseDocument(): Value | null {
    if (this.lazy && !this.validated) {
      // The whole document validated first, then read like a raw member: an object, the root
      // included, is built only when something other than key lookups reads it.
      this.ws();
      const start = this.pos;
      if (!this.validate(0)) return null;
      this.ws();
      if (this.pos != this.end) return this.fail("unexpected trailing characters");
      this.validated = true;
      this.pos = start;
      return this.value(0);
    }
    const v = this.value(0);
    if (v === null) return null;
    this.ws();
    if (this.pos != this.end) return this.fail("unexpected trailing characters");
    return v;
  }

  value(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return this.tooDeep();
    this.ws();
    const c = this.peek();
    if (c == 0x7b) return this.validated ? this.pendingObject() : this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) return this.strValue();
    if (c == 0x74) return this.word("true", mkBool(true));
    if (c == 0x66) return this.word("false", mkBool(false));
    if (c == 0x6e) return this.word("null", mkNull());
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    return this.fail(c < 0 ? "unexpected end of input" : "unexpected character");
  }

  word(w: string, v: Value): Value | null {
    const n = <usize>w.length;
    if (this.pos + n > this.end) return this.fail("unexpected end of input");
    for (let i: usize = 0; i < n; i++) {
      if (<i32>load<u8>(this.pos + i) != w.charCodeAt(<i32>i)) return this.fail("invalid literal");
    }
    this.pos += n;
    return v;
  }

  /**
   * The JSON number at `this.pos` (RFC 8259: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`,
   * as OPA reads it: no leading zeros, no bare `.5`, `1.` or `1e`). Plain integers of up to 15
   * digits (exact in f64, most numbers in a manifest) are summed here; the rest go to parseFloat.
   */
  number(): Value | null {
    const start = this.pos;
    const end = numberEnd(start, this.end);
    if (end == 0) {
      this.pos = numberFailedAt;
      return this.fail("invalid number");
    }
    this.pos = end;
    let p = start;
    const neg = load<u8>(p) == 0x2d;
    if (neg) p++;
    if (end - p <= 15) {
      let n: f64 = 0;
      let plain = true;
      for (let q = p; q < end; q++) {
        const c = <i32>load<u8>(q);
        if (c < 0x30 || c > 0x39) { plain = false; break; }
        n = n * 10 + <f64>(c - 0x30);
      }
      if (plain) return mkNum(neg ? -n : n);
    }
    return mkNum(parseFloat(String.UTF8.decodeUnsafe(start, end - start)));
  }

  hex4(): i32 {
    if (this.pos + 4 > this.end) return -1;
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = <i32>load<u8>(this.pos++);
      let d = -1;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      if (d < 0) return -1;
      v = (v << 4) | d;
    }
    return v;
  }

  /**
   * Where the string at `this.pos` ends (its closing quote) when it has no escapes, control
   * characters or non-ASCII bytes (most keys and values), else 0.
   */
  asciiEnd(): usize {
    // Straight to the first byte that ends the fast path (a quote, a backslash, a control
    // character or a non-ASCII byte), or to the last few bytes, which go one by one.
    let p = toSpecialWide(this.pos + 1, this.end, true);
    while (p < this.end) {
      const c = load<u8>(p);
      if (c == 0x22) return p;
      if (c == 0x5c || c < 0x20 || c >= 0x80) return 0;
      p++;
    }
    return 0;
  }

  /** The ASCII string from `this.pos + 1` to its closing quote at `close` (asciiEnd), widened in one pass. */
  widen(close: usize): string {
    const start = this.pos + 1;
    const n = <i32>(close - start);
    const out = changetype<string>(__new(<usize>n << 1, idof<string>()));
    const dst = changetype<usize>(out);
    for (let i = 0; i < n; i++) store<u16>(dst + (<usize>i << 1), load<u8>(start + <usize>i));
    this.pos = close + 1;
    return out;
  }

  /**
   * A string, an object's key or a value: the plan's own value for it when the plan has the same
   * string (intern.ts). Then it takes no allocation, and comparing it with the plan's constant
   * (`kind == "Pod"`, a key lookup) is one pointer comparison.
   */
  strValue(): Value | null {
    if (this.planStrings) {
      const s = this.str();
      return s === null ? null : internPlanString(s);
    }
    const close = this.asciiEnd();
    if (close == 0) {
      const s = this.str();
      return s === null ? null : mkStr(s);
    }
    const known = planStringAt(this.pos + 1, <i32>(close - this.pos - 1), this.end);
    if (known !== null) {
      this.pos = close + 1;
      return known;
    }
    return mkStr(this.widen(close));
  }

  str(): string | null {
    const close = this.asciiEnd();
    if (close != 0) return this.widen(close);
    this.pos++; // opening quote
    let out = "";
    let runStart = this.pos;
    while (true) {
      if (this.pos >= this.end) { this.fail("unterminated string"); return null; }
      const c = load<u8>(this.pos);
      if (c == 0x22) {
        const run = String.UTF8.decodeUnsafe(runStart, this.pos - runStart);
        this.pos++;
        return out.length == 0 ? run : out + run; // no escapes: no concatenation
      }
      if (c < 0x20) { this.fail("control character in string"); return null; }
      if (c != 0x5c) { this.pos++; continue; }
      out += String.UTF8.decodeUnsafe(runStart, this.pos - runStart);
      this.pos++;
      if (this.pos >= this.end) { this.fail("unterminated string"); return null; }
      const e = load<u8>(this.pos++);
      if (e == 0x22) out += "\"";
      else if (e == 0x5c) out += "\\";
      else if (e == 0x2f) out += "/";
      else if (e == 0x62) out += "\b";
      else if (e == 0x66) out += "\f";
      else if (e == 0x6e) out += "\n";
      else if (e == 0x72) out += "\r";
      else if (e == 0x74) out += "\t";
      else if (e == 0x75) {
        const u = this.hex4();
        if (u < 0) { this.fail("invalid \\u escape"); return null; }
        out += String.fromCharCode(u);
      } else { this.fail("invalid escape"); return null; }
      runStart = this.pos;
    }
  }

  /**
   * An object member's value in lazy mode: a string or composite is left raw. The first pass
   * validates it and records where every string and composite inside it ends (lazyEnds); parsing
   * a raw member later skips its own raw members through that table, so the input is scanned
   * once, not once per level.
   */
  member(depth: i32): Value | null {
    if (depth > MAX_DEPTH) return this.tooDeep();
    this.ws();
    const c = this.peek();
    if (c != 0x7b && c != 0x5b && c != 0x22) return this.value(depth);
    const start = this.pos;
    if (this.validated) this.pos = lazyBase + <usize>load<u32>(lazyEnds + ((start - lazyBase) << 2));
    else if (!this.validate(depth)) return null;
    return new RawV(start, this.pos);
  }

  /**
   * The validated object at `this.pos`, its members not built (see ObjV.pending): a policy looks up
   * a few of an object's keys, so most are never interned, allocated or sorted.
   */
  pendingObject(): Value {
    const start = this.pos;
    this.pos = endOfRaw(start);
    const o = new ObjV(changetype<Array<Value>>(0), changetype<Array<Value>>(0));
    o.pending = start;
    return o;
  }

  /**
   * Validates one value as value() would parse it, with the same errors at the same bytes,
   * building nothing: one loop over the bytes with the open containers on a stack (VALIDATE_STACK),
   * not a call per value. Records where every key and value ends (lazyEnds): member() skips
   * values by it, and the pending index both keys and values.
   */
  // @ts-ignore: decorator
  @inline validate(depth0: i32): bool {
    const end = this.end;
    const stack = VALIDATE_STACK;
    let p = this.pos;
    let top = 0;
    // Each pass of the outer loop reads one value; the inner loop then reads what follows a value
    // (a comma, then an object's next key, or the open container's end). Where the reading is in
    // the grammar is where the code is, not a state variable tested per token.
    // Depth only grows where a container opens, so it is checked there, before the container's
    // first value is read, as value() checks it on entering that value.
    if (depth0 > MAX_DEPTH) { this.tooDeep(); return false; }
    while (true) {
      let c = p < end ? <i32>load<u8>(p) : -1;
      if (<u32>c <= 0x20) { p = spaced(p, end); c = p < end ? <i32>load<u8>(p) : -1; }
      if (c == 0x22) {
        const e = this.stringEndAt(p);
        if (e == 0) return false;
        store<u32>(lazyEnds + ((p - lazyBase) << 2), <u32>(e - lazyBase));
        p = e;
      } else if (c == 0x7b || c == 0x5b) {
        const start = p;
        p++;
        let d = p < end ? <i32>load<u8>(p) : -1;
        if (<u32>d <= 0x20) { p = spaced(p, end); d = p < end ? <i32>load<u8>(p) : -1; }
        if (d == c + 2) { // `}` or `]`: empty
          p++;
          store<u32>(lazyEnds + ((start - lazyBase) << 2), <u32>(p - lazyBase));
        } else {
          unchecked(stack[top++] = <u32>(start - lazyBase) | (c == 0x7b ? IN_OBJECT : 0));
          if (c == 0x7b) {
            p = this.keyAndColon(p);
            if (p == 0) return false;
          }
          if (depth0 + top > MAX_DEPTH) { this.pos = p; this.tooDeep(); return false; }
          continue; // the container's first value
        }
      } else if (c >= 0x30 && c <= 0x39 || c == 0x2d) {
        const e = numberEnd(p, end);
        if (e == 0) { this.pos = numberFailedAt; this.fail("invalid number"); return false; }
        store<u32>(lazyEnds + ((p - lazyBase) << 2), <u32>(e - lazyBase));
        p = e;
      } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
        // One word compare per literal (little-endian "true", "null", and "alse" after the f);
        // word() only says what is wrong with one that is not.
        if (c == 0x66 ? p + 5 <= end && load<u32>(p + 1) == 0x65736c61 : p + 4 <= end && load<u32>(p) == (c == 0x74 ? 0x65757274 : 0x6c6c756e)) {
          const e = p + (c == 0x66 ? 5 : 4);
          store<u32>(lazyEnds + ((p - lazyBase) << 2), <u32>(e - lazyBase));
          p = e;
        } else {
          this.pos = p;
          this.word(c == 0x74 ? "true" : c == 0x66 ? "false" : "null", mkNull());
          return false;
        }
      } else {
        this.pos = p;
        this.fail(c < 0 ? "unexpected end of input" : "unexpected character");
        return false;
      }
      // After a value: close containers until a comma leads to the next value.
      while (true) {
        if (top == 0) { this.pos = p; return true; }
        let c = p < end ? <i32>load<u8>(p) : -1;
        if (<u32>c <= 0x20) { p = spaced(p, end); c = p < end ? <i32>load<u8>(p) : -1; }
        const open = unchecked(stack[top - 1]);
        const inObject = (open & IN_OBJECT) != 0;
        if (c == 0x2c) {
          p++;
          if (inObject) {
            p = this.keyAndColon(p);
            if (p == 0) return false;
          }
          break;
        }
        if (c == (inObject ? 0x7d : 0x5d)) {
          p++;
          store<u32>(lazyEnds + (<usize>(open & ~IN_OBJECT) << 2), <u32>(p - lazyBase));
          top--;
          continue;
        }
        this.pos = p;
        this.fail(inObject ? "expected , or } in object" : "expected , or ] in array");
        return false;
      }
    }
  }

  /** validate(): an object's key and its colon at `p`; the byte after the colon, or 0 after fail(). */
  // @ts-ignore: decorator
  @inline keyAndColon(p: usize): usize {
    const end = this.end;
    let c = p < end ? <i32>load<u8>(p) : -1;
    if (<u32>c <= 0x20) { p = spaced(p, end); c = p < end ? <i32>load<u8>(p) : -1; }
    if (c != 0x22) { this.pos = p; this.fail("expected string key in object"); return 0; }
    // Where the key ends, for the pending index; flagged when the key may hold escapes.
    const plain = plainStringEnd(p, end);
    const e = plain != 0 ? plain : this.stringEnd(p);
    if (e == 0) return 0;
    store<u32>(lazyEnds + ((p - lazyBase) << 2), <u32>(e - lazyBase) | (plain != 0 ? 0 : KEY_NOT_PLAIN));
    p = e;
    c = p < end ? <i32>load<u8>(p) : -1;
    if (<u32>c <= 0x20) { p = spaced(p, end); c = p < end ? <i32>load<u8>(p) : -1; }
    if (c != 0x3a) { this.pos = p; this.fail("expected : in object"); return 0; }
    return p + 1;
  }

  /** stringEnd() without a call for a string whose first special byte is its closing quote (most). */
  // @ts-ignore: decorator
  @inline stringEndAt(start: usize): usize {
    const e = plainStringEnd(start, this.end);
    return e != 0 ? e : this.stringEnd(start);
  }

  /**
   * Validates the string at `start` as str() would (escapes, control characters), building
   * nothing: the byte after its closing quote, or 0 after fail().
   */
  stringEnd(start: usize): usize {
    const end = this.end;
    let p = start + 1;
    while (true) {
      // Eight bytes at a time while none of them is a quote, a backslash or a control character
      // (most of an input is string bytes), then straight to the first one that is.
      p = toSpecial(p, end, 0);
      if (p >= end) { this.pos = p; this.fail("unterminated string"); return 0; }
      const c = load<u8>(p);
      if (c == 0x22) return p + 1;
      if (c < 0x20) { this.pos = p; this.fail("control character in string"); return 0; }
      p++;
      if (c != 0x5c) continue;
      if (p >= end) { this.pos = p; this.fail("unterminated string"); return 0; }
      const e = load<u8>(p++);
      if (e == 0x75) {
        this.pos = p;
        if (this.hex4() < 0) { this.fail("invalid \\u escape"); return 0; }
        p = this.pos;
      } else if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74) {
        this.pos = p;
        this.fail("invalid escape");
        return 0;
      }
    }
  }

  // Members are collected on one stack shared by every level of the document and copied into
  // arrays of the exact size when the container closes: growing each container's arrays by
  // pushing would copy them again and again (the stub allocator never extends a block in place
  // once a member has been allocated after it).
  stack: Array<Value>;
  top: i32 = 0;

  // @ts-ignore: decorator
  @inline push(v: Value): void {
    if (this.top == this.stack.length) this.stack.push(v); else put(this.stack, this.top, v);
    this.top++;
  }

  /** The stack from `base` (stride 1 or 2, from `offset`) as a new array; the stack is not popped. */
  take(base: i32, stride: i32, offset: i32): Array<Value> {
    const n = (this.top - base) / stride;
    const out = new Array<Value>(n);
    for (let i = 0; i < n; i++) put(out, i, unchecked(this.stack[base + i * stride + offset]));
    return out;
  }

  array(depth: i32): Value | null {
    this.pos++;
    this.ws();
    if (this.peek() == 0x5d) { this.pos++; return new ArrV(new Array<Value>()); }
    const base = this.top;
    while (true) {
      const v = this.value(depth + 1);
      if (v === null) return null;
      this.push(v);
      this.ws();
      const c = this.peek();
      if (c == 0x2c) { this.pos++; continue; }
      if (c == 0x5d) {
        this.pos++;
        const items = this.take(base, 1, 0);
        this.top = base;
        return new ArrV(items);
      }
      return this.fail("expected , or ] in array");
    }
  }

  object(depth: i32): Value | null {
    this.pos++;
    this.ws();
    if (this.peek() == 0x7d) { this.pos++; return newObj(); }
    const base = this.top;
    // Most keys arrive in sorted order (JSON.stringify keeps insertion order and manifests are
    // mostly written that way): then the members are the object as they stand. Out-of-order and
    // duplicate keys (the last one wins, as in OPA) are inserted one by one.
    let sorted = true;
    let last: string | null = null;
    while (true) {
      this.ws();
      if (this.peek() != 0x22) return this.fail("expected string key in object");
      const kv = this.strValue();
      if (kv === null) return null;
      const k = asStr(kv).s;
      this.ws();
      if (this.peek() != 0x3a) return this.fail("expected : in object");
      this.pos++;
      const v = this.lazy ? this.member(depth + 1) : this.value(depth + 1);
      if (v === null) return null;
      if (sorted && last !== null && cmpStr(last, k) >= 0) sorted = false;
      last = k;
      this.push(kv);
      this.push(v);
      this.ws();
      const c = this.peek();
      if (c == 0x2c) { this.pos++; continue; }
      if (c == 0x7d) {
        this.pos++;
        let o: ObjV;
        if (sorted) o = new ObjV(this.take(base, 2, 0), this.take(base, 2, 1));
        else if (this.top - base <= 2 * SORT_IN_PLACE_MAX) o = this.sortedObject(base);
        else {
          o = newObj();
          for (let i = base; i < this.top; i += 2) objPut(o, unchecked(this.stack[i]), unchecked(this.stack[i + 1]), true);
        }
        this.top = base;
        return o;
      }
      return this.fail("expected , or } in object");
    }
  }

  /**
   * The members on the stack from `base` (key, value pairs whose keys are not in order: a
   * container's `name` comes before its `image`) as an object: sorted in place by a stable
   * insertion sort, the last of duplicate keys kept, as objPut does, without growing two lists
   * member by member.
   */
  sortedObject(base: i32): ObjV {
    const stack = this.stack;
    const n = (this.top - base) >> 1;
    for (let i = 1; i < n; i++) {
      const k = unchecked(stack[base + 2 * i]), v = unchecked(stack[base + 2 * i + 1]);
      const ks = asStr(k).s;
      let j = i - 1;
      while (j >= 0 && cmpStr(asStr(unchecked(stack[base + 2 * j])).s, ks) > 0) {
        put(stack, base + 2 * j + 2, unchecked(stack[base + 2 * j]));
        put(stack, base + 2 * j + 3, unchecked(stack[base + 2 * j + 1]));
        j--;
      }
      put(stack, base + 2 * j + 2, k);
      put(stack, base + 2 * j + 3, v);
    }
    let unique = n;
    for (let i = 1; i < n; i++) if (cmpStr(asStr(unchecked(stack[base + 2 * i - 2])).s, asStr(unchecked(stack[base + 2 * i])).s) == 0) unique--;
    const keys = new Array<Value>(unique), vals = new Array<Value>(unique);
    let at = 0;
    for (let i = 0; i < n; i++) {
      // Of a run of equal keys only the last, the one a later duplicate replaced the others with.
      if (i + 1 < n && cmpStr(asStr(unchecked(stack[base + 2 * i])).s, asStr(unchecked(stack[base + 2 * i + 2])).s) == 0) continue;
      put(keys, at, unchecked(stack[base + 2 * i]));
      put(vals, at, unchecked(stack[base + 2 * i + 1]));
      at++;
    }
    return new ObjV(keys, vals);
  }
}

/** skipWs() inside validation, noting that the document has whitespace between tokens. */
function spaced(p: usize, end: usize): usize {
  lazySpaced = true;
  return skipWs(p, end);
}

/** The first byte from `p` that is not JSON whitespace, or `end`. */
// @ts-ignore: decorator
@inline function skipWs(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) p++; else break;
  }
  return p;
}

/** Objects with more members out of order than this are built by objPut (no quadratic sort). */
const SORT_IN_PLACE_MAX: i32 = 64;

const ONES: u64 = 0x0101010101010101;
const HIGHS: u64 = 0x8080808080808080;

/**
 * The high bit of every zero byte of `x`, and possibly of bytes above the first zero byte (a
 * borrow can only run upwards from it): the lowest bit set is exactly the first zero byte.
 */
// @ts-ignore: decorator
@inline function zeroBytes(x: u64): u64 { return (x - ONES) & ~x & HIGHS; }

/**
 * Marks the bytes of `x` that are `"`, `\\` or below 0x20 (the bytes a JSON string scan stops at)
 * as zeroBytes does: zero when there is none, else ctz(mask) >> 3 is the index of the first one.
 */
// @ts-ignore: decorator
@inline function specialMask(x: u64): u64 {
  // Below 0x20: x - 0x20 per byte borrows into the high bit of a byte that was below 0x20 and had
  // its high bit clear (bytes >= 0x80 are excluded by ~x); again only upwards from the first.
  const low = (x - ONES * 0x20) & ~x & HIGHS;
  return low | zeroBytes(x ^ (ONES * 0x22)) | zeroBytes(x ^ (ONES * 0x5c));
}

/**
 * From `p`, eight bytes at a time: the first byte that is `"`, `\\`, below 0x20 or has a bit of
 * `alsoBits` set (HIGHS: non-ASCII), or where fewer than eight bytes are left before `end`.
 */
// @ts-ignore: decorator
@inline function toSpecial(p: usize, end: usize, alsoBits: u64): usize {
  while (p + 8 <= end) {
    const x = load<u64>(p);
    const m = specialMask(x) | (x & alsoBits);
    if (m != 0) return p + <usize>(ctz(m) >> 3);
    p += 8;
  }
  return p;
}

/**
 * toSpecial() sixteen bytes at a time while sixteen are left (`high`: non-ASCII bytes are special
 * too, as with alsoBits HIGHS): most keys and values of a manifest are shorter, so most strings take
 * one step and one branch.
 */
// @ts-ignore: decorator
@inline function toSpecialWide(p: usize, end: usize, high: bool): usize {
  while (p + 16 <= end) {
    const x = v128.load(p);
    const special = v128.or(v128.or(i8x16.eq(x, i8x16.splat(0x22)), i8x16.eq(x, i8x16.splat(0x5c))), i8x16.lt_u(x, i8x16.splat(0x20)));
    const bits = i8x16.bitmask(special) | (high ? i8x16.bitmask(x) : 0);
    if (bits != 0) return p + <usize>ctz(bits);
    p += 16;
  }
  return toSpecial(p, end, high ? HIGHS : 0);
}

/**
 * The byte after the closing quote of the string at `start` when its first special byte is that
 * quote (no escape, control character or end of input before it), else 0.
 */
// @ts-ignore: decorator
@inline function plainStringEnd(start: usize, end: usize): usize {
  const q = toSpecialWide(start + 1, end, false);
  return q < end && load<u8>(q) == 0x22 ? q + 1 : 0;
}

// @ts-ignore: decorator
@inline function isDigit(p: usize, end: usize): bool {
  if (p >= end) return false;
  const c = load<u8>(p);
  return c >= 0x30 && c <= 0x39;
}

/** Where the last numberEnd() that failed found the byte breaking the grammar. */
let numberFailedAt: usize = 0;

/** Where the JSON number that starts at `p` ends, or 0 when its bytes break the grammar (see numberFailedAt). */
function numberEnd(p: usize, end: usize): usize {
  if (p < end && load<u8>(p) == 0x2d) p++;
  if (!isDigit(p, end)) { numberFailedAt = p; return 0; }
  if (load<u8>(p) == 0x30) p++;
  else while (isDigit(p, end)) p++;
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    if (!isDigit(p, end)) { numberFailedAt = p; return 0; }
    while (isDigit(p, end)) p++;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    if (!isDigit(p, end)) { numberFailedAt = p; return 0; }
    while (isDigit(p, end)) p++;
  }
  return p;
}

// The flag of an open container on Parser.validate's stack that is an object.
const IN_OBJECT: u32 = 0x80000000;
/** Parser.validate's open containers (their first byte, from lazyBase, and IN_OBJECT): see initJson. */
let VALIDATE_STACK: StaticArray<u32> = changetype<StaticArray<u32>>(0);

/** Allocates what the parser keeps across evaluations: called once, after the plan area is reserved. */
export function initJson(): void {
  VALIDATE_STACK = new StaticArray<u32>(MAX_DEPTH + 2);
}

// The lazily parsed document of the current evaluation: its first byte, and a u32 per byte where
// the key or value starting there ends (written by validation for those bytes only, read only there).
let lazyBase: usize = 0;
let lazyEnds: usize = 0;
let lazyParser: Parser | null = null;
/** Validation met whitespace between the tokens of the current lazy document (JSON.stringify's has none). */
let lazySpaced: bool = false;

/** Inputs larger than this are parsed eagerly: the end table costs four bytes per input byte. */
const LAZY_MAX_BYTES: usize = 1 << 20;

/**
 * A parser for the input of one evaluation (see Parser.lazy): lazy when the input is small enough
 * for the end table, which is allocated on the evaluation's heap and dies with it.
 */
// @ts-ignore: decorator
@inline export function inputParser(base: usize, len: usize): Parser {
  const p = new Parser(base, len, 16);
  if (len <= LAZY_MAX_BYTES) {
    lazyBase = base;
    lazyEnd = base + len;
    lazyEnds = __alloc(len << 2);
    lazySpaced = false;
    p.lazy = true;
    // The same parser builds the raw members later: the document is parsed (and validated) by then.
    lazyParser = p;
  }
  return p;
}

/** On a key's entry in lazyEnds: the key may hold escapes (it did not end at its first special byte). */
const KEY_NOT_PLAIN: u32 = 0x80000000;

/** Where the validated value or key starting at `start` ends (Parser.validate recorded it). */
// @ts-ignore: decorator
@inline function endOfRaw(start: usize): usize { return lazyBase + <usize>load<u32>(lazyEnds + ((start - lazyBase) << 2)); }

/** The end of the current lazily parsed document. */
let lazyEnd: usize = 0;

// A pending object's index (ObjV.index), built by its first lookup: per member, where its key
// starts and how many bytes it has, where its value starts, and the value once a lookup parsed it.
const ENTRY_BYTES: usize = 16;
const E_KEY: usize = 0, E_KEY_LEN: usize = 4, E_VALUE_AT: usize = 8, E_VALUE: usize = 12;
/** Entries an index starts with. */
const INDEX_CAPACITY: usize = 8;

/** Builds a pending object's members in place. */
function buildPending(o: ObjV): void {
  const built = parseValidated(o.pending, endOfRaw(o.pending), true);
  o._keys = asObj(built)._keys;
  o._vals = asObj(built)._vals;
  o.pending = 0;
  o.index = 0;
}

/**
 * Locates a pending object's members in its bytes (one pass, skipping values through the end
 * table) so that its lookups compare keys without scanning again. False when a key has escapes:
 * then keys compare decoded, in the built object.
 */
function indexPending(o: ObjV): bool {
  const start = o.pending;
  // Room for most objects' members; doubled when full. (Sizing it by the object's bytes would
  // take four times the input for each object on the path down to a field.)
  let capacity: usize = INDEX_CAPACITY;
  let index = __alloc(capacity * ENTRY_BYTES);
  let n = 0;
  // Without whitespace a value starts two bytes after its key's closing quote, and the next key
  // one byte after it: no byte between them needs reading.
  const compact = !lazySpaced;
  let p = compact ? start + 1 : skipWs(start + 1, lazyEnd);
  while (load<u8>(p) != 0x7d) {
    // Validation recorded where every key and value ends: no byte of them is read again here.
    const keyStart = p + 1;
    const keyEnd = load<u32>(lazyEnds + ((p - lazyBase) << 2));
    if ((keyEnd & KEY_NOT_PLAIN) != 0 && hasEscape(keyStart, lazyBase + <usize>(keyEnd & ~KEY_NOT_PLAIN) - 1)) return false;
    const q = lazyBase + <usize>(keyEnd & ~KEY_NOT_PLAIN) - 1; // the closing quote
    p = compact ? q + 2 : skipWs(skipWs(q + 1, lazyEnd) + 1, lazyEnd); // the colon, then the value
    if (<usize>n == capacity) {
      const grown = __alloc((capacity << 1) * ENTRY_BYTES);
      memory.copy(grown, index, capacity * ENTRY_BYTES);
      index = grown;
      capacity <<= 1;
    }
    const e = index + <usize>n * ENTRY_BYTES;
    store<u32>(e + E_KEY, <u32>(keyStart - lazyBase));
    store<u32>(e + E_KEY_LEN, <u32>(q - keyStart));
    store<u32>(e + E_VALUE_AT, <u32>(p - lazyBase));
    store<u32>(e + E_VALUE, 0);
    n++;
    p = compact ? endOfRaw(p) : skipWs(endOfRaw(p), lazyEnd);
    if (load<u8>(p) == 0x2c) p = compact ? p + 1 : skipWs(p + 1, lazyEnd);
  }
  o.index = index;
  o.members = n;
  return true;
}

/** Whether the key bytes from `from` to its closing quote at `quote` hold a backslash. */
function hasEscape(from: usize, quote: usize): bool {
  for (let q = from; q < quote; q++) if (load<u8>(q) == 0x5c) return true;
  return false;
}

/**
 * The value of string key `k` in a pending object, found through its index: the last member with
 * that key, as when its members are built (OPA keeps the last of duplicate keys). A value is parsed
 * once and kept, so every lookup hands out the same one. Escaped input keys and non-ASCII lookups
 * are answered by the built object; the index compares ASCII bytes with the key's units.
 */
function pendingGet(o: ObjV, k: Value): Value | null {
  if (o.index == 0 && !indexPending(o)) return builtGet(o, k);
  const s = asStr(k).s;
  const n = s.length;
  const units = changetype<usize>(s);
  for (let i = o.members - 1; i >= 0; i--) {
    const e = o.index + <usize>i * ENTRY_BYTES;
    if (load<u32>(e + E_KEY_LEN) != <u32>n) continue;
    const key = lazyBase + <usize>load<u32>(e + E_KEY);
    let same = true;
    let unitBits: u32 = 0;
    for (let j = 0; same && j < n; j++) {
      const u = <u32>load<u16>(units + (<usize>j << 1));
      unitBits |= u;
      same = <u32>load<u8>(key + <usize>j) == u;
    }
    if (!same) continue;
    // Bytes equal to the units of a key that is not ASCII are not its UTF-8 (that is longer).
    if (unitBits >= 0x80) return builtGet(o, k);
    const known = load<u32>(e + E_VALUE);
    if (known != 0) return changetype<Value>(<usize>known);
    const v = parseValidated(lazyBase + <usize>load<u32>(e + E_VALUE_AT), lazyEnd, false);
    store<u32>(e + E_VALUE, <u32>changetype<usize>(v));
    return v;
  }
  // A key that is not ASCII is compared decoded (its UTF-8 has more bytes than it has units).
  return isAscii(s) ? null : builtGet(o, k);
}

/** objGet on the object's built members. */
function builtGet(o: ObjV, k: Value): Value | null {
  buildPending(o);
  return objGet(o, k);
}

setPendingObjects(buildPending, pendingGet);

/** A RawV span's value, one level parsed (its strings and composite members raw again). */
function parseRawSpan(r: RawV): Value { return parseValidated(r.start, r.end, false); }

/**
 * The validated value at `start` (its bytes end by `end`), one level built; `object`: the object
 * there with its members built, not left pending.
 */
function parseValidated(start: usize, end: usize, object: bool): Value {
  // One parser per evaluation: parsing a raw member never reads another, so it is never re-entered.
  const p = lazyParser!;
  p.validated = true;
  p.pos = start;
  p.end = end;
  p.top = 0;
  const v = object ? p.object(0) : p.value(0);
  if (v === null) throw new Error("podsec runtime: lazily parsed input member is invalid: " + p.error);
  return v;
}
setRawParser(parseRawSpan);

export function formatNumber(n: f64): string {
  if (n == Math.floor(n) && Math.abs(n) < 1e18) return (<i64>n).toString();
  return n.toString();
}

const HEX = "0123456789abcdef";

export function quote(s: string, parts: Array<string>): void {
  parts.push("\"");
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (i > runStart) parts.push(s.substring(runStart, i));
    if (c == 0x22) parts.push("\\\"");
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else parts.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
    runStart = i + 1;
  }
  if (runStart < s.length) parts.push(s.substring(runStart));
  parts.push("\"");
}

export function dumpTo(v: Value, parts: Array<string>): void {
  switch (v.kind) {
    case K_NULL: parts.push("null"); break;
    case K_BOOL: parts.push(asBool(v).b ? "true" : "false"); break;
    case K_NUM: parts.push(formatNumber(asNum(v).n)); break;
    case K_STR: quote(asStr(v).s, parts); break;
    case K_ARR: dumpList(asArr(v).items, parts); break;
    case K_OBJ: {
      const o = asObj(v);
      parts.push("{");
      for (let i = 0; i < o.keys.length; i++) {
        if (i > 0) parts.push(",");
        const k = o.keys[i];
        // JSON keys must be strings; OPA serialises non-string keys as their JSON text.
        if (k.kind == K_STR) quote(asStr(k).s, parts);
        else { const inner = new Array<string>(); dumpTo(k, inner); quote(inner.join(""), parts); }
        parts.push(":");
        dumpTo(objVal(o, i), parts);
      }
      parts.push("}");
      break;
    }
    default: dumpList(asSet(v).items, parts);
  }
}

function dumpList(items: Array<Value>, parts: Array<string>): void {
  parts.push("[");
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts.push(",");
    dumpTo(items[i], parts);
  }
  parts.push("]");
}

export function dump(v: Value): string {
  const parts = new Array<string>();
  dumpTo(v, parts);
  return parts.join("");
}


// ---- dumping straight to UTF-8 bytes ------------------------------------------------------------
// What opa_json_dump and opa_eval hand to the host: the same text as String.UTF8.encode(dump(v)),
// NUL-terminated, written byte by byte into one buffer instead of joining strings and encoding
// them (the result sets of Pod policies are mostly ASCII keys and messages).

let out: usize = 0;
let outLen: usize = 0;
let outCap: usize = 0;

function reserve(n: usize): void {
  if (outLen + n <= outCap) return;
  let cap = outCap << 1;
  while (cap < outLen + n) cap <<= 1;
  const next = __alloc(cap);
  memory.copy(next, out, outLen);
  out = next;
  outCap = cap;
}

// @ts-ignore: decorator
@inline function byte(b: u32): void {
  if (outLen == outCap) reserve(1);
  store<u8>(out + outLen, <u8>b);
  outLen++;
}

function ascii(s: string): void {
  const n = <usize>s.length;
  reserve(n);
  for (let i: usize = 0; i < n; i++) store<u8>(out + outLen + i, <u8>s.charCodeAt(<i32>i));
  outLen += n;
}

/** Bytes of a run of `s` that needs no escaping, UTF-8 encoded as String.UTF8.encode does. */
function run(s: string, from: i32, to: i32): void {
  // Copied as ASCII in one pass; the first unit above 0x7f sends the whole run to the encoder.
  const n = <usize>(to - from);
  reserve(n);
  let i = from;
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    store<u8>(out + outLen + <usize>(i - from), <u8>c);
  }
  if (i == to) {
    outLen += n;
    return;
  }
  const enc = String.UTF8.encode(s.substring(from, to));
  const m = <usize>enc.byteLength;
  reserve(m);
  memory.copy(out + outLen, changetype<usize>(enc), m);
  outLen += m;
}

// Four UTF-16 units in a u64, as ONES and HIGHS are for eight bytes (see zeroBytes).
const LANES: u64 = 0x0001000100010001;
const LANE_HIGHS: u64 = 0x8000800080008000;
/** The high bit of every zero unit of `x`, and possibly of units above the first (see zeroBytes). */
// @ts-ignore: decorator
@inline function zeroLanes(x: u64): u64 { return (x - LANES) & ~x & LANE_HIGHS; }

/**
 * Writes at `o` JSON's escape of an ASCII unit it escapes (`"`, the backslash, a control
 * character): `\"`, `\\`, `\n`, `\r`, `\t` or `\u00xx`, at most six bytes. The byte after it.
 */
// @ts-ignore: decorator
@inline function escapeAt(o: usize, c: u32): usize {
  store<u8>(o++, 0x5c);
  if (c == 0x22 || c == 0x5c) store<u8>(o++, <u8>c);
  else if (c == 0x0a) store<u8>(o++, 0x6e);
  else if (c == 0x0d) store<u8>(o++, 0x72);
  else if (c == 0x09) store<u8>(o++, 0x74);
  else {
    store<u32>(o, 0x30303075); // "u00" and a byte the digits overwrite
    store<u8>(o + 3, <u8>HEX.charCodeAt(<i32>(c >> 4)));
    store<u8>(o + 4, <u8>HEX.charCodeAt(<i32>(c & 15)));
    o += 5;
  }
  return o;
}

function quoteBytes(s: string): void {
  // One pass while the units are ASCII (most strings: names, messages), escaping those JSON
  // escapes in place; the first unit above 0x7f sends the rest to quoteFrom.
  const n = s.length;
  reserve(<usize>n + 2);
  let o = out + outLen;
  store<u8>(o++, 0x22);
  const units = changetype<usize>(s);
  let i = 0;
  while (i < n) {
    // Four units at a time while all four are printable ASCII other than `"` and `\`.
    if (i + 4 <= n) {
      const x = load<u64>(units + (<usize>i << 1));
      if ((x & 0xff80ff80ff80ff80) == 0 && ((((x - LANES * 0x20) & ~x) | zeroLanes(x ^ (LANES * 0x22)) | zeroLanes(x ^ (LANES * 0x5c))) & LANE_HIGHS) == 0) {
        store<u32>(o, <u32>((x & 0xff) | ((x >> 8) & 0xff00) | ((x >> 16) & 0xff0000) | ((x >> 24) & 0xff000000)));
        o += 4;
        i += 4;
        continue;
      }
    }
    const c = <u32>load<u16>(units + (<usize>i << 1));
    i++;
    if (c >= 0x20 && c < 0x80 && c != 0x22 && c != 0x5c) {
      store<u8>(o++, <u8>c);
      continue;
    }
    if (c >= 0x80) {
      outLen = o - out;
      quoteFrom(s, i - 1);
      return;
    }
    // An escape takes up to six bytes (\u00XX) where the unit was counted as one.
    outLen = o - out;
    reserve(<usize>(n - i) + 7);
    o = escapeAt(out + outLen, c);
  }
  store<u8>(o++, 0x22);
  outLen = o - out;
}

/** The rest of a string quoteBytes has written up to unit `from` (the opening quote included). */
function quoteFrom(s: string, from: i32): void {
  let runStart = from;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    if (i > runStart) run(s, runStart, i);
    reserve(6);
    outLen = escapeAt(out + outLen, <u32>c) - out;
    runStart = i + 1;
  }
  if (runStart < s.length) run(s, runStart, s.length);
  byte(0x22);
}

function dumpBytesTo(v: Value): void {
  switch (v.kind) {
    case K_NULL: ascii("null"); break;
    case K_BOOL: ascii(asBool(v).b ? "true" : "false"); break;
    case K_NUM: ascii(formatNumber(asNum(v).n)); break;
    case K_STR: quoteBytes(asStr(v).s); break;
    case K_ARR: listBytes(asArr(v).items); break;
    case K_OBJ: {
      const o = asObj(v);
      byte(0x7b);
      for (let i = 0; i < o.keys.length; i++) {
        if (i > 0) byte(0x2c);
        const k = o.keys[i];
        // JSON keys must be strings; OPA serialises non-string keys as their JSON text.
        if (k.kind == K_STR) quoteBytes(asStr(k).s);
        else quoteBytes(dump(k));
        byte(0x3a);
        dumpBytesTo(objVal(o, i));
      }
      byte(0x7d);
      break;
    }
    default: listBytes(asSet(v).items);
  }
}

function listBytes(items: Array<Value>): void {
  byte(0x5b);
  for (let i = 0; i < items.length; i++) {
    if (i > 0) byte(0x2c);
    dumpBytesTo(items[i]);
  }
  byte(0x5d);
}

/**
 * An entrypoint's result set as NUL-terminated UTF-8 JSON text, `[{"result":v}]` or `[]` when
 * `v` is undefined (null), written as dumpBytes(ArrV([ObjV({result: v})])) would write it without
 * building the row: its address.
 */
// @ts-ignore: decorator
@inline export function dumpResultSetBytes(v: Value | null): usize {
  // Room for a few violations with their messages without growing.
  outCap = 1024;
  out = __alloc(outCap);
  outLen = 0;
  if (v === null) ascii("[]");
  else {
    ascii("[{\"result\":");
    dumpBytesTo(v);
    ascii("}]");
  }
  byte(0);
  return out;
}

/** `v` as NUL-terminated UTF-8 JSON text in freshly allocated memory: its address. */
export function dumpBytes(v: Value): usize {
  outCap = 256;
  out = __alloc(outCap);
  outLen = 0;
  dumpBytesTo(v);
  byte(0);
  return out;
}
