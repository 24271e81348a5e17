// OPA's sprintf: Go's fmt.Sprintf over arguments converted the way OPA's builtin does it —
// integral numbers become int, other numbers float64, strings stay strings, and every other
// value (booleans, null, arrays, objects, sets) becomes its Rego text, e.g. ["a", "b"] or
// {"k": 1}. Done natively because the SDK's JS sprintf prints composites as [object Object]
// (and throws on some), and the SDK's own built-ins cannot be overridden by the host.
import { Value, K_NULL, K_BOOL, K_NUM, K_STR, K_ARR, K_OBJ, asBool, asNum, asStr, asArr, asObj, asSet, objVal } from "./values";
import { formatNumber, quote } from "./json";

const A_INT = 0, A_FLOAT = 1, A_STR = 2;

class Arg {
  constructor(public kind: i32, public i: i64, public f: f64, public s: string) {}
}

/** Rego's text for a value (ast.Value.String()): JSON-like, ", " between items, sets in braces. */
export function regoText(v: Value): string {
  switch (v.kind) {
    case K_NULL: return "null";
    case K_BOOL: return asBool(v).b ? "true" : "false";
    case K_NUM: return formatNumber(asNum(v).n);
    case K_STR: { const parts = new Array<string>(); quote(asStr(v).s, parts); return parts.join(""); }
    case K_ARR: return "[" + joinText(asArr(v).items) + "]";
    case K_OBJ: {
      const o = asObj(v);
      const parts = new Array<string>();
      for (let i = 0; i < o.keys.length; i++) parts.push(regoText(o.keys[i]) + ": " + regoText(objVal(o, i)));
      return "{" + parts.join(", ") + "}";
    }
    default: {
      const items = asSet(v).items;
      return items.length == 0 ? "set()" : "{" + joinText(items) + "}";
    }
  }
}

function joinText(items: Array<Value>): string {
  const parts = new Array<string>();
  for (let i = 0; i < items.length; i++) parts.push(regoText(items[i]));
  return parts.join(", ");
}

function toArg(v: Value): Arg {
  if (v.kind == K_NUM) {
    const n = asNum(v).n;
    if (n == Math.floor(n) && Math.abs(n) < 9.2e18) return new Arg(A_INT, <i64>n, n, "");
    return new Arg(A_FLOAT, 0, n, "");
  }
  if (v.kind == K_STR) return new Arg(A_STR, 0, 0, asStr(v).s);
  return new Arg(A_STR, 0, 0, regoText(v));
}

/** Go's %v for float64: shortest representation, exponent written with at least two digits. */
function goFloat(n: f64): string {
  const s = n.toString();
  const e = s.indexOf("e");
  if (e < 0) return s;
  const sign = s.charAt(e + 1) == "-" ? "-" : "+";
  let digits = s.substring(s.charAt(e + 1) == "-" || s.charAt(e + 1) == "+" ? e + 2 : e + 1);
  if (digits.length < 2) digits = "0" + digits;
  return s.substring(0, e) + "e" + sign + digits;
}

function fixed(n: f64, prec: i32): string {
  if (!isFinite(n)) return n.toString();
  const neg = n < 0;
  let scale: f64 = 1;
  for (let i = 0; i < prec; i++) scale *= 10;
  const scaled = Math.round(Math.abs(n) * scale);
  const whole = Math.floor(scaled / scale);
  let frac = (<i64>(scaled - whole * scale)).toString();
  while (frac.length < prec) frac = "0" + frac;
  const body = (<i64>whole).toString() + (prec > 0 ? "." + frac : "");
  return neg && scaled != 0 ? "-" + body : body;
}

function typeOf(a: Arg): string { return a.kind == A_INT ? "int" : a.kind == A_FLOAT ? "float64" : "string"; }

function plain(a: Arg): string {
  if (a.kind == A_INT) return a.i.toString();
  if (a.kind == A_FLOAT) return goFloat(a.f);
  return a.s;
}

function bad(verb: string, a: Arg): string { return "%!" + verb + "(" + typeOf(a) + "=" + plain(a) + ")"; }

const HEXDIGITS = "0123456789abcdef";

function hexOf(a: Arg, upper: bool): string {
  let out = "";
  if (a.kind == A_INT) {
    let x = a.i < 0 ? -a.i : a.i;
    if (x == 0) out = "0";
    while (x > 0) { out = HEXDIGITS.charAt(<i32>(x % 16)) + out; x /= 16; }
    if (a.i < 0) out = "-" + out;
  } else if (a.kind == A_STR) {
    const bytes = Uint8Array.wrap(String.UTF8.encode(a.s));
    for (let i = 0; i < bytes.length; i++) out += HEXDIGITS.charAt(bytes[i] >> 4) + HEXDIGITS.charAt(bytes[i] & 15);
  } else return bad(upper ? "X" : "x", a);
  return upper ? out.toUpperCase() : out;
}

function pad(s: string, width: i32, left: bool, zero: bool): string {
  let n = 0;
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c < 0xdc00 || c > 0xdfff) n++; }
  if (n >= width) return s;
  const fill = (zero && !left ? "0" : " ").repeat(width - n);
  return left ? s + fill : fill + s;
}

export function sprintf(format: string, values: Array<Value>): string {
  const out = new Array<string>();
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const c = format.charAt(i);
    if (c != "%") { out.push(c); i++; continue; }
    i++;
    if (i >= format.length) { out.push("%!(NOVERB)"); break; }
    let left = false, zero = false, plus = false;
    while (i < format.length) {
      const f = format.charAt(i);
      if (f == "-") left = true; else if (f == "0") zero = true; else if (f == "+") plus = true; else if (f != " " && f != "#") break;
      i++;
    }
    let width = 0;
    while (i < format.length && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) { width = width * 10 + format.charCodeAt(i) - 48; i++; }
    let prec = -1;
    if (i < format.length && format.charAt(i) == ".") {
      i++; prec = 0;
      while (i < format.length && format.charCodeAt(i) >= 48 && format.charCodeAt(i) <= 57) { prec = prec * 10 + format.charCodeAt(i) - 48; i++; }
    }
    if (i >= format.length) { out.push("%!(NOVERB)"); break; }
    const verb = format.charAt(i);
    i++;
    if (verb == "%") { out.push("%"); continue; }
    if (argi >= values.length) { out.push("%!" + verb + "(MISSING)"); continue; }
    const a = toArg(values[argi++]);
    let s: string;
    if (verb == "v") s = a.kind == A_FLOAT && prec >= 0 ? fixed(a.f, prec) : plain(a);
    else if (verb == "s") s = a.kind == A_STR ? (prec >= 0 && prec < a.s.length ? a.s.substring(0, prec) : a.s) : bad(verb, a);
    else if (verb == "d") s = a.kind == A_INT ? a.i.toString() : bad(verb, a);
    else if (verb == "f" || verb == "F") s = a.kind == A_FLOAT ? fixed(a.f, prec < 0 ? 6 : prec) : bad(verb, a);
    else if (verb == "x" || verb == "X") s = hexOf(a, verb == "X");
    else if (verb == "q") { if (a.kind == A_STR) { const parts = new Array<string>(); quote(a.s, parts); s = parts.join(""); } else s = bad(verb, a); }
    else s = bad(verb, a);
    if (plus && a.kind != A_STR && !s.startsWith("-") && !s.startsWith("%")) s = "+" + s;
    out.push(width > 0 ? pad(s, width, left, zero) : s);
  }
  if (argi < values.length) {
    const extra = new Array<string>();
    for (let k = argi; k < values.length; k++) { const a = toArg(values[k]); extra.push(typeOf(a) + "=" + plain(a)); }
    out.push("%!(EXTRA " + extra.join(", ") + ")");
  }
  return out.join("");
}
