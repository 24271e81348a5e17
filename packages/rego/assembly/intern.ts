// The plan's strings, one value each, and a table that finds them from UTF-8 bytes. The keys a
// policy reads (`securityContext`, `runAsNonRoot`) are the plan's strings: an input key with the
// same bytes becomes the plan's own value instead of a new string, so parsing it allocates
// nothing and looking it up ends in a pointer comparison. The table is filled while the plan is
// decoded, from the start function, and only read afterwards: evaluations allocate above it and
// the SDK's heap resets never reach it.
import { Value, StrV, mkStr } from "./values";

const CAPACITY: i32 = 8192; // a power of two; at most half of it is filled
let table: StaticArray<usize> = changetype<StaticArray<usize>>(0);
let filled: i32 = 0;

// @ts-ignore: decorator
@inline function mix(first: u64, last: u64, len: i32): i32 {
  const h = first * 0x9e3779b97f4a7c15 ^ last * 0xc2b2ae3d27d4eb4f ^ <u64>len;
  return <i32>(h >> 40) & (CAPACITY - 1);
}

/**
 * The slot of the ASCII string of `len` bytes at `p`. A word is read past a short string only
 * while it stays below `limit` (the end of the document), and its bytes past the string are masked off.
 */
// @ts-ignore: decorator
@inline function slotOfBytes(p: usize, len: i32, limit: usize): i32 {
  let first: u64 = 0;
  if (len >= 8) first = load<u64>(p);
  else if (p + 8 <= limit) first = load<u64>(p) & ((<u64>1 << (<u64>len << 3)) - 1);
  else for (let i = 0; i < len; i++) first |= <u64>load<u8>(p + <usize>i) << (<u64>i << 3);
  const last = len > 8 ? load<u64>(p + <usize>len - 8) : 0;
  return mix(first, last, len);
}

/** The same slot computed from a string's UTF-16 units, which must all be ASCII. */
function slotOfString(s: string): i32 {
  const len = s.length;
  let first: u64 = 0, last: u64 = 0;
  for (let i = 0; i < min(len, 8); i++) first |= <u64>s.charCodeAt(i) << (<u64>i << 3);
  if (len > 8) for (let i = 0; i < 8; i++) last |= <u64>s.charCodeAt(len - 8 + i) << (<u64>i << 3);
  return mix(first, last, len);
}

/** Whether `s` is ASCII: then its UTF-16 units compare with the bytes of its UTF-8 one to one. */
export function isAscii(s: string): bool {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

/** Allocates the table: once, from the start function, after the plan area is reserved. */
export function initIntern(): void {
  table = new StaticArray<usize>(CAPACITY);
}

/**
 * The plan's one value for `s` (the first one decoded), or a new value when `s` is not ASCII or
 * the table is half full (interning is an optimisation only: equal strings compare equal anyway).
 */
export function internPlanString(s: string): Value {
  if (changetype<usize>(table) == 0 || !isAscii(s)) return mkStr(s);
  let i = slotOfString(s);
  while (true) {
    const at = unchecked(table[i]);
    if (at == 0) break;
    if (changetype<StrV>(at).s == s) return changetype<Value>(at);
    i = (i + 1) & (CAPACITY - 1);
  }
  const v = mkStr(s);
  if (filled * 2 < CAPACITY) {
    unchecked(table[i] = changetype<usize>(v));
    filled++;
  }
  return v;
}

/** The plan's value for the `len` ASCII bytes at `p` (a string without escapes, in a document ending at `limit`), or null. */
export function planStringAt(p: usize, len: i32, limit: usize): Value | null {
  let i = slotOfBytes(p, len, limit);
  while (true) {
    const at = unchecked(table[i]);
    if (at == 0) return null;
    const s = changetype<StrV>(at).s;
    if (s.length == len) {
      let same = true;
      const units = changetype<usize>(s);
      for (let j = 0; j < len; j++) {
        if (<u32>load<u16>(units + (<usize>j << 1)) != <u32>load<u8>(p + <usize>j)) { same = false; break; }
      }
      if (same) return changetype<Value>(at);
    }
    i = (i + 1) & (CAPACITY - 1);
  }
}
