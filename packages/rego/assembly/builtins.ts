// Natively implemented Rego built-ins. A type error yields undefined (null), as OPA does when
// strict-builtin-errors is off. The planner emits built-ins by name; resolveBuiltin maps a name
// to its index in NAMES once, when the plan is decoded.
import {
  Value, ArrV, SetV, K_NULL, K_BOOL, K_NUM, K_STR, K_ARR, K_OBJ, K_SET, mkBool, mkNum, mkStr, asBool, asNum, asStr, asArr, asObj, asSet, compare, equal, newObj, objPut, objGet, setFrom, setHas, typeName, valuesOf, lookup, objVal,
} from "./values";
import { sprintf } from "./sprintf";
import { compileRegex, compileGlob, runProgram, Compiled } from "./regex";

const NAMES: Array<string> = [
  "equal", "neq", "lt", "lte", "gt", "gte",
  "plus", "minus", "mul", "div", "rem", "and", "or",
  "count", "concat", "startswith", "endswith", "contains", "lower", "upper", "split",
  "trim", "trim_left", "trim_right", "trim_prefix", "trim_suffix", "trim_space", "replace",
  "object.get", "object.keys", "array.concat", "union", "intersection",
  "is_string", "is_number", "is_boolean", "is_array", "is_object", "is_set", "is_null", "type_name",
  "any", "all", "to_number", "min", "max", "sum",
  "internal.member_2", "internal.member_3", "abs", "indexof", "substring", "object.remove", "array.slice",
  "numbers.range", "product", "sort", "strings.any_prefix_match", "strings.any_suffix_match", "sprintf",
  "regex.match", "glob.match", "object.union", "trace",
];

export function resolveBuiltin(name: string): i32 { return NAMES.indexOf(name); }

function isStr(v: Value): bool { return v.kind == K_STR; }
function isNum(v: Value): bool { return v.kind == K_NUM; }
function str(v: Value): string { return asStr(v).s; }
function num(v: Value): f64 { return asNum(v).n; }

function runeCount(s: string): i32 {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) i++;
    n++;
  }
  return n;
}

function inCutset(c: i32, cut: string): bool { return cut.indexOf(String.fromCharCode(c)) >= 0; }

function trimLeft(s: string, cut: string): string {
  let i = 0;
  while (i < s.length && inCutset(s.charCodeAt(i), cut)) i++;
  return s.substring(i);
}
function trimRight(s: string, cut: string): string {
  let j = s.length;
  while (j > 0 && inCutset(s.charCodeAt(j - 1), cut)) j--;
  return s.substring(0, j);
}

function isSpace(c: i32): bool {
  return c == 0x20 || (c >= 0x09 && c <= 0x0d) || c == 0x85 || c == 0xa0 || c == 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000;
}

/** Doubles overflow where OPA's big numbers do not; an infinite result is undefined, never dumped. */
function finite(n: f64): Value | null { return isFinite(n) ? mkNum(n) : null; }

function arith(op: i32, a: Value, b: Value): Value | null {
  if (!isNum(a) || !isNum(b)) return null;
  const x = num(a), y = num(b);
  switch (op) {
    case 6: return finite(x + y);
    case 7: return finite(x - y);
    case 8: return finite(x * y);
    case 9: return y == 0 ? null : finite(x / y);
    default: {
      if (y == 0 || x != Math.floor(x) || y != Math.floor(y)) return null;
      return mkNum(<f64>(<i64>x % <i64>y));
    }
  }
}

function setOp(op: i32, a: SetV, b: SetV): Value {
  const out = new Array<Value>();
  if (op == 12) { // union
    for (let i = 0; i < a.items.length; i++) out.push(a.items[i]);
    for (let i = 0; i < b.items.length; i++) out.push(b.items[i]);
  } else {
    const keep = op == 11; // intersection keeps shared members; difference drops them
    for (let i = 0; i < a.items.length; i++) if (setHas(b, a.items[i]) == keep) out.push(a.items[i]);
  }
  return setFrom(out);
}

function objectGetPath(o: Value, path: Array<Value>, dflt: Value): Value {
  let cur: Value = o;
  for (let i = 0; i < path.length; i++) {
    if (cur.kind != K_OBJ && cur.kind != K_ARR) return dflt;
    const next = lookup(cur, path[i]);
    if (next === null) return dflt;
    cur = next;
  }
  return cur;
}

function member(x: Value, c: Value): bool {
  if (c.kind == K_SET) return setHas(asSet(c), x); // sorted: binary search
  const vs = valuesOf(c);
  for (let i = 0; i < vs.length; i++) if (equal(vs[i], x)) return true;
  return false;
}

function member3(k: Value, v: Value, c: Value): bool {
  if (c.kind == K_ARR || c.kind == K_OBJ) {
    const got = lookup(c, k);
    return got !== null && equal(got, v);
  }
  return false;
}

function extreme(c: Value, wantMax: bool): Value | null {
  if (c.kind != K_ARR && c.kind != K_SET) return null;
  const vs = valuesOf(c);
  if (vs.length == 0) return null;
  let best = vs[0];
  for (let i = 1; i < vs.length; i++) {
    const cmp = compare(vs[i], best);
    if (wantMax ? cmp > 0 : cmp < 0) best = vs[i];
  }
  return best;
}

function fold(c: Value, mul: bool): Value | null {
  if (c.kind != K_ARR && c.kind != K_SET) return null;
  const vs = valuesOf(c);
  let acc: f64 = mul ? 1 : 0;
  for (let i = 0; i < vs.length; i++) {
    if (!isNum(vs[i])) return null;
    acc = mul ? acc * num(vs[i]) : acc + num(vs[i]);
  }
  return finite(acc);
}

function toNumber(v: Value): Value | null {
  if (v.kind == K_NULL) return mkNum(0);
  if (v.kind == K_BOOL) return mkNum(asBool(v).b ? 1 : 0);
  if (v.kind == K_NUM) return v;
  if (v.kind != K_STR) return null;
  const s = str(v);
  // Go's strconv grammar, restricted to plain decimals: reject empty, hex, "Inf" and "NaN".
  if (s.length == 0) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || c == 0x2e || c == 0x65 || c == 0x45 || c == 0x2b || c == 0x2d)) return null;
  }
  const n = parseFloat(s);
  return isNaN(n) ? null : mkNum(n);
}

function strList(c: Value): Array<string> | null {
  if (c.kind != K_ARR && c.kind != K_SET) return null;
  const vs = valuesOf(c);
  const out = new Array<string>();
  for (let i = 0; i < vs.length; i++) {
    if (!isStr(vs[i])) return null;
    out.push(str(vs[i]));
  }
  return out;
}

function quantifier(c: Value, wantAll: bool): Value | null {
  if (c.kind != K_ARR && c.kind != K_SET) return null;
  const vs = valuesOf(c);
  for (let i = 0; i < vs.length; i++) {
    const t = vs[i].kind == K_BOOL && asBool(vs[i]).b;
    if (wantAll && !t) return mkBool(false);
    if (!wantAll && t) return mkBool(true);
  }
  return mkBool(wantAll);
}

function setOfSets(c: Value, union: bool): Value | null {
  if (c.kind != K_SET) return null;
  const sets = asSet(c).items;
  for (let i = 0; i < sets.length; i++) if (sets[i].kind != K_SET) return null;
  if (union) {
    const out = new Array<Value>();
    for (let i = 0; i < sets.length; i++) {
      const m = asSet(sets[i]).items;
      for (let j = 0; j < m.length; j++) out.push(m[j]);
    }
    return setFrom(out);
  }
  if (sets.length == 0) return setFrom(new Array<Value>());
  let acc: Value = sets[0];
  for (let i = 1; i < sets.length; i++) acc = setOp(11, asSet(acc), asSet(sets[i]));
  return acc;
}

/** Code-point aware substring, as OPA's `substring` counts runes. */
function runeSlice(s: string, start: i32, len: i32): string {
  const cps = new Array<i32>();
  for (let i = 0; i < s.length; i++) {
    cps.push(i);
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) i++;
  }
  if (start >= cps.length) return "";
  const from = cps[start];
  const endRune = len < 0 ? cps.length : min(cps.length, start + len);
  const to = endRune >= cps.length ? s.length : cps[endRune];
  return s.substring(from, to);
}

/** strings.any_prefix_match / any_suffix_match: each side is a string or a collection of strings. */
function anyAffixMatch(search: Value, base: Value, prefix: bool): Value | null {
  const ss = search.kind == K_STR ? [str(search)] : strList(search);
  const bs = base.kind == K_STR ? [str(base)] : strList(base);
  if (ss === null || bs === null) return null;
  for (let i = 0; i < ss.length; i++) {
    for (let j = 0; j < bs.length; j++) {
      if (prefix ? ss[i].startsWith(bs[j]) : ss[i].endsWith(bs[j])) return mkBool(true);
    }
  }
  return mkBool(false);
}

export function callBuiltin(id: i32, a: Array<Value>): Value | null {
  const x = a.length > 0 ? a[0] : changetype<Value>(0);
  const y = a.length > 1 ? a[1] : changetype<Value>(0);
  const z = a.length > 2 ? a[2] : changetype<Value>(0);
  return callNative(id, x, y, z);
}

/**
 * A native built-in on its (at most three) arguments; absent ones are the null pointer. The
 * evaluator calls this with its arguments in locals: no argument array per call.
 */
export function callNative(id: i32, x: Value, y: Value, z: Value): Value | null {
  switch (id) {
    case 0: return mkBool(compare(x, y) == 0);
    case 1: return mkBool(compare(x, y) != 0);
    case 2: return mkBool(compare(x, y) < 0);
    case 3: return mkBool(compare(x, y) <= 0);
    case 4: return mkBool(compare(x, y) > 0);
    case 5: return mkBool(compare(x, y) >= 0);
    case 6: case 8: case 9: case 10: return arith(id, x, y);
    case 7: {
      if (x.kind == K_SET && y.kind == K_SET) return setOp(7, asSet(x), asSet(y));
      return arith(7, x, y);
    }
    case 11: case 12: return x.kind == K_SET && y.kind == K_SET ? setOp(id, asSet(x), asSet(y)) : null;
    case 13: {
      if (x.kind == K_STR) return mkNum(<f64>runeCount(str(x)));
      if (x.kind == K_ARR || x.kind == K_OBJ || x.kind == K_SET) return mkNum(<f64>valuesOf(x).length);
      return null;
    }
    case 14: {
      if (!isStr(x)) return null;
      const parts = strList(y);
      return parts === null ? null : mkStr(parts.join(str(x)));
    }
    case 15: return isStr(x) && isStr(y) ? mkBool(str(x).startsWith(str(y))) : null;
    case 16: return isStr(x) && isStr(y) ? mkBool(str(x).endsWith(str(y))) : null;
    case 17: return isStr(x) && isStr(y) ? mkBool(str(x).includes(str(y))) : null;
    case 18: return isStr(x) ? mkStr(str(x).toLowerCase()) : null;
    case 19: return isStr(x) ? mkStr(str(x).toUpperCase()) : null;
    case 20: {
      if (!isStr(x) || !isStr(y)) return null;
      const parts = str(x).split(str(y));
      const out = new Array<Value>(parts.length);
      for (let i = 0; i < parts.length; i++) out[i] = mkStr(parts[i]);
      return new ArrV(out);
    }
    case 21: return isStr(x) && isStr(y) ? mkStr(trimRight(trimLeft(str(x), str(y)), str(y))) : null;
    case 22: return isStr(x) && isStr(y) ? mkStr(trimLeft(str(x), str(y))) : null;
    case 23: return isStr(x) && isStr(y) ? mkStr(trimRight(str(x), str(y))) : null;
    case 24: {
      if (!isStr(x) || !isStr(y)) return null;
      const s = str(x), p = str(y);
      return mkStr(s.startsWith(p) ? s.substring(p.length) : s);
    }
    case 25: {
      if (!isStr(x) || !isStr(y)) return null;
      const s = str(x), p = str(y);
      return mkStr(s.endsWith(p) ? s.substring(0, s.length - p.length) : s);
    }
    case 26: {
      if (!isStr(x)) return null;
      const s = str(x);
      let i = 0, j = s.length;
      while (i < j && isSpace(s.charCodeAt(i))) i++;
      while (j > i && isSpace(s.charCodeAt(j - 1))) j--;
      return mkStr(s.substring(i, j));
    }
    case 27: return isStr(x) && isStr(y) && isStr(z) ? mkStr(str(x).replaceAll(str(y), str(z))) : null;
    case 28: {
      if (x.kind != K_OBJ) return null;
      if (y.kind == K_ARR) return objectGetPath(x, asArr(y).items, z);
      const got = objGet(asObj(x), y);
      return got === null ? z : got;
    }
    case 29: return x.kind == K_OBJ ? setFrom(asObj(x).keys) : null;
    case 30: {
      if (x.kind != K_ARR || y.kind != K_ARR) return null;
      return new ArrV(asArr(x).items.concat(asArr(y).items));
    }
    case 31: return setOfSets(x, true);
    case 32: return setOfSets(x, false);
    case 33: return mkBool(x.kind == K_STR);
    case 34: return mkBool(x.kind == K_NUM);
    case 35: return mkBool(x.kind == K_BOOL);
    case 36: return mkBool(x.kind == K_ARR);
    case 37: return mkBool(x.kind == K_OBJ);
    case 38: return mkBool(x.kind == K_SET);
    case 39: return mkBool(x.kind == K_NULL);
    case 40: return mkStr(typeName(x));
    case 41: return quantifier(x, false);
    case 42: return quantifier(x, true);
    case 43: return toNumber(x);
    case 44: return extreme(x, false);
    case 45: return extreme(x, true);
    case 46: return fold(x, false);
    case 47: return mkBool(member(x, y));
    case 48: return mkBool(member3(x, y, z));
    case 49: return isNum(x) ? mkNum(Math.abs(num(x))) : null;
    case 50: {
      if (!isStr(x) || !isStr(y)) return null;
      const at = str(x).indexOf(str(y));
      return mkNum(at < 0 ? -1 : <f64>runeCount(str(x).substring(0, at)));
    }
    case 51: {
      if (!isStr(x) || !isNum(y) || !isNum(z) || num(y) < 0) return null;
      return mkStr(runeSlice(str(x), <i32>num(y), <i32>num(z)));
    }
    case 52: {
      if (x.kind != K_OBJ) return null;
      const drop = y.kind == K_ARR || y.kind == K_SET ? valuesOf(y) : (y.kind == K_OBJ ? asObj(y).keys : null);
      if (drop === null) return null;
      const o = asObj(x), out = newObj();
      for (let i = 0; i < o.keys.length; i++) {
        let gone = false;
        for (let j = 0; j < drop.length; j++) if (equal(drop[j], o.keys[i])) { gone = true; break; }
        if (!gone) objPut(out, o.keys[i], objVal(o, i), true);
      }
      return out;
    }
    case 53: {
      if (x.kind != K_ARR || !isNum(y) || !isNum(z)) return null;
      const items = asArr(x).items;
      const lo = <i32>max(0, num(y)), hi = <i32>min(<f64>items.length, num(z));
      return new ArrV(lo >= hi ? new Array<Value>() : items.slice(lo, hi));
    }
    case 54: {
      if (!isNum(x) || !isNum(y)) return null;
      const out = new Array<Value>();
      const lo = <i64>num(x), hi = <i64>num(y);
      if (lo <= hi) for (let i = lo; i <= hi; i++) out.push(mkNum(<f64>i));
      else for (let i = lo; i >= hi; i--) out.push(mkNum(<f64>i));
      return new ArrV(out);
    }
    case 55: return fold(x, true);
    case 59: return isStr(x) && (y.kind == K_ARR) ? mkStr(sprintf(str(x), asArr(y).items)) : null;
    case 60: return isStr(x) && isStr(y) ? regexMatch(str(x), str(y)) : null;
    case 61: return globMatch(x, y, z);
    case 62: return x.kind == K_OBJ && y.kind == K_OBJ ? objectUnion(x, y) : null;
    case 63: return isStr(x) ? mkBool(true) : null; // trace notes are a debugging aid; the call is true
    case 57: return anyAffixMatch(x, y, true);
    case 58: return anyAffixMatch(x, y, false);
    case 56: {
      if (x.kind != K_ARR && x.kind != K_SET) return null;
      const items = valuesOf(x).slice(0);
      items.sort((p: Value, q: Value): i32 => compare(p, q));
      return new ArrV(items);
    }
  }
  return null;
}


/** Invalid RE2 is undefined (OPA's non-strict built-in error); RE2 this engine lacks stops evaluation. */
function regexMatch(pattern: string, value: string): Value | null {
  return runRegex(compileRegex(pattern), pattern, value);
}

function runRegex(prog: Compiled, pattern: string, value: string): Value | null {
  if (prog.unsupported) throw new Error("regex.match: unsupported RE2 syntax in " + pattern + ": " + prog.error);
  if (prog.error != "") return null;
  return mkBool(runProgram(prog, value));
}

function globMatch(pattern: Value, delimiters: Value, value: Value): Value | null {
  if (!isStr(value)) return null;
  const prog = globProgram(pattern, delimiters);
  return prog === null ? null : mkBool(runProgram(prog, str(value)));
}

/** The program of a glob, or null when the call is undefined whatever the value (type error, invalid glob). */
function globProgram(pattern: Value, delimiters: Value): Compiled | null {
  if (!isStr(pattern)) return null;
  // OPA: delimiters null means none; an empty array means the default ".".
  const seps = new Array<i32>();
  if (delimiters.kind == K_ARR) {
    const ds = asArr(delimiters).items;
    if (ds.length == 0) seps.push(46);
    for (let i = 0; i < ds.length; i++) {
      if (!isStr(ds[i])) return null;
      const d = str(ds[i]);
      for (let j = 0; j < d.length; j++) { const c = d.codePointAt(j); seps.push(c); if (c > 0xffff) j++; }
    }
  } else if (delimiters.kind != K_NULL) return null;
  const prog = compileGlob(str(pattern), seps);
  return prog.error != "" ? null : prog;
}

// ---- regex.match / glob.match with constant patterns, compiled once when the plan is decoded ----

const B_REGEX_MATCH: i32 = 60, B_GLOB_MATCH: i32 = 61;

/** A pattern compiled ahead of the evaluations (null program: the call is always undefined). */
export class PreparedMatch {
  constructor(public builtin: i32, public pattern: string, public prog: Compiled | null) {}
}

/**
 * Compiles the pattern of a regex.match / glob.match call whose leading arguments (all but the
 * matched value) are constants, or returns null for any other call. Compiling never fails here:
 * an invalid or unsupported pattern is reported when the call is evaluated, as before.
 */
export function prepareMatch(builtin: i32, consts: Array<Value>): PreparedMatch | null {
  if (builtin == B_REGEX_MATCH && consts.length == 1) {
    if (!isStr(consts[0])) return new PreparedMatch(builtin, "", null);
    return new PreparedMatch(builtin, str(consts[0]), compileRegex(str(consts[0])));
  }
  if (builtin == B_GLOB_MATCH && consts.length == 2) return new PreparedMatch(builtin, "", globProgram(consts[0], consts[1]));
  return null;
}

/** Whether the prepared call's arity is this built-in's: the matched value is the last argument. */
export function matchArity(builtin: i32): i32 { return builtin == B_REGEX_MATCH ? 2 : builtin == B_GLOB_MATCH ? 3 : -1; }

export function runPrepared(m: PreparedMatch, value: Value): Value | null {
  if (m.prog === null || !isStr(value)) return null;
  if (m.builtin == B_REGEX_MATCH) return runRegex(m.prog!, m.pattern, str(value));
  return mkBool(runProgram(m.prog!, str(value)));
}

/** OPA's object.union: b's entries win, except that two objects under one key merge recursively. */
function objectUnion(a: Value, b: Value): Value {
  if (a.kind != K_OBJ || b.kind != K_OBJ) return b;
  const ao = asObj(a), bo = asObj(b);
  const out = newObj();
  for (let i = 0; i < ao.keys.length; i++) objPut(out, ao.keys[i], objVal(ao, i), true);
  for (let i = 0; i < bo.keys.length; i++) {
    const prev = objGet(out, bo.keys[i]);
    objPut(out, bo.keys[i], prev === null ? objVal(bo, i) : objectUnion(prev, objVal(bo, i)), true);
  }
  return out;
}
