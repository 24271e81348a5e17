// regex.match and glob.match inside the module, so a built policy needs no host functions.
// Both compile to one small instruction set run by a Pike VM (Thompson NFA simulation): every
// thread advances in lock step over the input, so matching is linear in pattern × input size, as
// RE2 guarantees; there is no backtracking. Only a yes/no answer is needed, so no captures.
//
// Regex syntax is RE2's (what OPA's Go regexp accepts). A pattern RE2 rejects yields undefined, as
// OPA's built-in error does without strict-builtin-errors; RE2 syntax this engine does not
// implement (Unicode classes \p{..}, \C) aborts evaluation with a message rather than guessing.
// Globs follow gobwas/glob (OPA's glob.match): `*` stays within separators, `**` does not, `?`,
// `[a-z]`, `[!a-z]`, `{a,b}`, `\` escapes; the whole string must match.

// Instructions.
const I_CLASS = 0, I_SPLIT = 1, I_JMP = 2, I_MATCH = 3, I_ASSERT = 4;
// Empty-width assertions.
const A_BEGIN_TEXT = 0, A_END_TEXT = 1, A_BEGIN_LINE = 2, A_END_LINE = 3, A_WORD = 4, A_NOT_WORD = 5;
// Parse tree node kinds.
const N_EMPTY = 0, N_CLASS = 1, N_CAT = 2, N_ALT = 3, N_REP = 4, N_ASSERT = 5;

const MAX_REPEAT = 1000; // RE2's limit on {n,m}
const MAX_PROG = 100000; // guards against patterns that expand to huge programs (nested counted repeats)

/** A set of code points as sorted-or-not [lo, hi] pairs; `fold` matches either case. */
class CharClass {
  ranges: Array<i32> = new Array<i32>();
  negated: bool = false;
  fold: bool = false;
  add(lo: i32, hi: i32): void { this.ranges.push(lo); this.ranges.push(hi); }
  addClass(o: CharClass): void {
    if (!o.negated) { for (let i = 0; i < o.ranges.length; i++) this.ranges.push(o.ranges[i]); return; }
    // Complement of o's ranges, so negated Perl classes nest inside brackets (`[\D_]`).
    const sorted = sortedRanges(o.ranges);
    let next = 0;
    for (let i = 0; i < sorted.length; i += 2) {
      if (sorted[i] > next) this.add(next, sorted[i] - 1);
      if (sorted[i + 1] + 1 > next) next = sorted[i + 1] + 1;
    }
    if (next <= 0x10ffff) this.add(next, 0x10ffff);
  }
  hasRaw(c: i32): bool {
    for (let i = 0; i < this.ranges.length; i += 2) if (c >= this.ranges[i] && c <= this.ranges[i + 1]) return true;
    return false;
  }
  matches(c: i32): bool {
    let hit = this.hasRaw(c);
    if (!hit && this.fold) {
      const l = lowerOf(c), u = upperOf(c);
      hit = (l != c && this.hasRaw(l)) || (u != c && this.hasRaw(u));
    }
    return hit != this.negated;
  }
}

function sortedRanges(r: Array<i32>): Array<i32> {
  // Insertion sort by lower bound (classes are small).
  const out = new Array<i32>();
  for (let i = 0; i < r.length; i += 2) {
    let j = out.length;
    out.push(0); out.push(0);
    while (j > 0 && out[j - 2] > r[i]) { out[j] = out[j - 2]; out[j + 1] = out[j - 1]; j -= 2; }
    out[j] = r[i]; out[j + 1] = r[i + 1];
  }
  return out;
}

function singleCodePoint(s: string): i32 {
  if (s.length == 1) return s.charCodeAt(0);
  if (s.length == 2) { const c = s.codePointAt(0); if (c > 0xffff) return c; }
  return -1;
}
function lowerOf(c: i32): i32 {
  if (c < 128) return c >= 65 && c <= 90 ? c + 32 : c;
  const r = singleCodePoint(String.fromCodePoint(c).toLowerCase());
  return r < 0 ? c : r;
}
function upperOf(c: i32): i32 {
  if (c < 128) return c >= 97 && c <= 122 ? c - 32 : c;
  const r = singleCodePoint(String.fromCodePoint(c).toUpperCase());
  return r < 0 ? c : r;
}

class Node {
  kids: Array<Node> = new Array<Node>();
  cls: CharClass | null = null;
  min: i32 = 0;
  max: i32 = 0; // -1 = unbounded
  assertion: i32 = 0;
  constructor(public kind: i32) {}
}

function classNode(c: CharClass): Node { const n = new Node(N_CLASS); n.cls = c; return n; }
function charNode(c: i32, fold: bool): Node {
  const k = new CharClass(); k.add(c, c); k.fold = fold; return classNode(k);
}
function assertNode(a: i32): Node { const n = new Node(N_ASSERT); n.assertion = a; return n; }

function isWordChar(c: i32): bool {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95;
}
function isDigit(c: i32): bool { return c >= 48 && c <= 57; }
function hexVal(c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Perl classes \d \s \w (ASCII, as in RE2); returns null for other letters. */
function perlClass(c: i32): CharClass | null {
  const k = new CharClass();
  const lc = c | 0x20;
  if (lc == 100) k.add(48, 57);
  else if (lc == 115) { k.add(9, 10); k.add(12, 13); k.add(32, 32); }
  else if (lc == 119) { k.add(48, 57); k.add(65, 90); k.add(97, 122); k.add(95, 95); }
  else return null;
  if (c < 97) k.negated = true; // \D \S \W
  return k;
}

/** POSIX bracket classes ([:alpha:] …), ASCII only as in RE2. */
function posixClass(name: string): CharClass | null {
  const k = new CharClass();
  if (name == "alnum") { k.add(48, 57); k.add(65, 90); k.add(97, 122); }
  else if (name == "alpha") { k.add(65, 90); k.add(97, 122); }
  else if (name == "ascii") k.add(0, 127);
  else if (name == "blank") { k.add(9, 9); k.add(32, 32); }
  else if (name == "cntrl") { k.add(0, 31); k.add(127, 127); }
  else if (name == "digit") k.add(48, 57);
  else if (name == "graph") k.add(33, 126);
  else if (name == "lower") k.add(97, 122);
  else if (name == "print") k.add(32, 126);
  else if (name == "punct") { k.add(33, 47); k.add(58, 64); k.add(91, 96); k.add(123, 126); }
  else if (name == "space") { k.add(9, 13); k.add(32, 32); }
  else if (name == "upper") k.add(65, 90);
  else if (name == "word") { k.add(48, 57); k.add(65, 90); k.add(97, 122); k.add(95, 95); }
  else if (name == "xdigit") { k.add(48, 57); k.add(65, 70); k.add(97, 102); }
  else return null;
  return k;
}

function codePoints(s: string): Array<i32> {
  const out = new Array<i32>();
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i);
    out.push(c);
    if (c > 0xffff) i++;
  }
  return out;
}

/** Result of compiling a pattern: a program, or why not. */
export class Compiled {
  op: Array<i32> = new Array<i32>();
  x: Array<i32> = new Array<i32>();
  y: Array<i32> = new Array<i32>();
  classes: Array<CharClass> = new Array<CharClass>();
  /** "" when compiled; otherwise the error. */
  error: string = "";
  /** The pattern is valid RE2 that this engine does not implement. */
  unsupported: bool = false;
}

// ---- RE2 parser ---------------------------------------------------------------------------------

class RegexParser {
  p: Array<i32>;
  i: i32 = 0;
  error: string = "";
  unsupported: bool = false;
  fold: bool = false;
  multiline: bool = false;
  dotNL: bool = false;
  constructor(pattern: string) { this.p = codePoints(pattern); }

  fail(msg: string): Node { if (this.error == "") this.error = msg; return new Node(N_EMPTY); }
  unsupportedSyntax(msg: string): Node {
    if (this.error == "") { this.error = msg; this.unsupported = true; }
    return new Node(N_EMPTY);
  }
  more(): bool { return this.i < this.p.length && this.error == ""; }
  peek(): i32 { return this.i < this.p.length ? this.p[this.i] : -1; }

  parseAlt(depth: i32): Node {
    if (depth > 1000) return this.fail("expression nests too deeply");
    const alts = new Array<Node>();
    alts.push(this.parseCat(depth));
    while (this.more() && this.peek() == 124 /* | */) {
      this.i++;
      alts.push(this.parseCat(depth));
    }
    if (alts.length == 1) return alts[0];
    const n = new Node(N_ALT); n.kids = alts; return n;
  }

  parseCat(depth: i32): Node {
    const n = new Node(N_CAT);
    while (this.more()) {
      const c = this.peek();
      if (c == 124 || c == 41) break; // | )
      let atom: Node | null = this.parseAtom(depth);
      if (this.error != "") break;
      if (atom === null) continue; // a flag group such as (?i) changes state only
      atom = this.parseRepeat(atom!);
      n.kids.push(atom!);
    }
    return n;
  }

  /** Reads `{n}`, `{n,}`, `{n,m}` at i; returns false (and leaves i) when it is not a repeat. */
  repeatBounds(out: Array<i32>): bool {
    let j = this.i + 1;
    let lo = 0, digits = 0;
    while (j < this.p.length && isDigit(this.p[j])) { lo = min(lo * 10 + this.p[j] - 48, 100000); j++; digits++; }
    if (digits == 0) return false;
    let hi = lo;
    if (j < this.p.length && this.p[j] == 44 /* , */) {
      j++;
      let hd = 0, h = 0;
      while (j < this.p.length && isDigit(this.p[j])) { h = min(h * 10 + this.p[j] - 48, 100000); j++; hd++; }
      hi = hd == 0 ? -1 : h;
    }
    if (j >= this.p.length || this.p[j] != 125 /* } */) return false;
    out.push(lo); out.push(hi); out.push(j + 1);
    return true;
  }

  parseRepeat(atom: Node): Node {
    let repeated = false;
    while (this.more()) {
      const c = this.peek();
      let lo = 0, hi = 0;
      if (c == 42) { lo = 0; hi = -1; this.i++; }
      else if (c == 43) { lo = 1; hi = -1; this.i++; }
      else if (c == 63) { lo = 0; hi = 1; this.i++; }
      else if (c == 123) {
        const b = new Array<i32>();
        if (!this.repeatBounds(b)) break; // a literal `{`
        lo = b[0]; hi = b[1]; this.i = b[2];
        if (lo > MAX_REPEAT || hi > MAX_REPEAT || (hi >= 0 && hi < lo)) { this.fail("invalid repeat count"); return atom; }
      } else break;
      if (repeated) { this.fail("invalid nested repetition operator"); return atom; }
      if (atom.kind == N_EMPTY || (atom.kind == N_CAT && atom.kids.length == 0)) {
        this.fail("missing argument to repetition operator"); return atom;
      }
      if (this.peek() == 63) this.i++; // lazy: same language, so same yes/no answer
      const r = new Node(N_REP); r.kids.push(atom); r.min = lo; r.max = hi;
      atom = r;
      repeated = true;
    }
    return atom;
  }

  parseAtom(depth: i32): Node | null {
    const c = this.p[this.i++];
    if (c == 40 /* ( */) return this.parseGroup(depth);
    if (c == 91 /* [ */) return this.parseBracket();
    if (c == 46 /* . */) {
      const k = new CharClass();
      if (this.dotNL) k.add(0, 0x10ffff); else { k.add(0, 9); k.add(11, 0x10ffff); }
      return classNode(k);
    }
    if (c == 94 /* ^ */) return assertNode(this.multiline ? A_BEGIN_LINE : A_BEGIN_TEXT);
    if (c == 36 /* $ */) return assertNode(this.multiline ? A_END_LINE : A_END_TEXT);
    if (c == 42 || c == 43 || c == 63) return this.fail("missing argument to repetition operator");
    if (c == 92 /* \ */) return this.parseEscape();
    return charNode(c, this.fold);
  }

  parseGroup(depth: i32): Node | null {
    if (this.peek() == 63 /* ? */) {
      this.i++;
      const c = this.peek();
      if (c == 80 /* P */ || c == 60 /* < */) {
        if (c == 80) { this.i++; if (this.peek() != 60) return this.fail("invalid named capture"); }
        if (this.i + 1 < this.p.length && (this.p[this.i + 1] == 61 || this.p[this.i + 1] == 33)) {
          return this.fail("invalid or unsupported Perl syntax: lookbehind");
        }
        this.i++;
        const start = this.i;
        while (this.i < this.p.length && this.p[this.i] != 62) {
          if (!isWordChar(this.p[this.i])) return this.fail("invalid named capture");
          this.i++;
        }
        if (this.i >= this.p.length || this.i == start) return this.fail("invalid named capture");
        this.i++;
        return this.groupBody(depth, this.fold, this.multiline, this.dotNL);
      }
      // Flags: (?flags) or (?flags:re); flags i m s U, `-` clears.
      const saveFold = this.fold, saveMulti = this.multiline, saveDot = this.dotNL;
      let neg = false, sawFlag = false, sawNeg = false;
      while (this.i < this.p.length) {
        const f = this.p[this.i++];
        if (f == 105) { this.fold = !neg; sawFlag = true; }
        else if (f == 109) { this.multiline = !neg; sawFlag = true; }
        else if (f == 115) { this.dotNL = !neg; sawFlag = true; }
        else if (f == 85) { sawFlag = true; } // ungreedy: no effect on whether a match exists
        else if (f == 45 && !sawNeg) { neg = true; sawNeg = true; sawFlag = false; }
        else if (f == 41 /* ) */) {
          if (sawNeg && !sawFlag) return this.fail("missing argument to repetition operator: invalid flags");
          if (!sawFlag && !sawNeg) return this.fail("invalid or unsupported Perl syntax: (?)");
          return null; // flags stay set until the enclosing group ends
        } else if (f == 58 /* : */) {
          if (sawNeg && !sawFlag) return this.fail("invalid or unsupported Perl syntax: flags");
          const body = this.groupBody(depth, this.fold, this.multiline, this.dotNL);
          this.fold = saveFold; this.multiline = saveMulti; this.dotNL = saveDot;
          return body;
        } else return this.fail("invalid or unsupported Perl syntax: (?" + String.fromCodePoint(f));
      }
      return this.fail("missing closing )");
    }
    return this.groupBody(depth, this.fold, this.multiline, this.dotNL);
  }

  groupBody(depth: i32, fold: bool, multi: bool, dot: bool): Node {
    const outerFold = this.fold, outerMulti = this.multiline, outerDot = this.dotNL;
    this.fold = fold; this.multiline = multi; this.dotNL = dot;
    const n = this.parseAlt(depth + 1);
    // Flags set inside the group by (?i) end with it.
    this.fold = outerFold; this.multiline = outerMulti; this.dotNL = outerDot;
    if (this.error != "") return n;
    if (this.peek() != 41) return this.fail("missing closing )");
    this.i++;
    return n;
  }

  /** One escaped code point (for use inside or outside brackets), or -1 with error set. */
  escapedChar(c: i32): i32 {
    if (c == 97) return 7;
    if (c == 102) return 12;
    if (c == 116) return 9;
    if (c == 110) return 10;
    if (c == 114) return 13;
    if (c == 118) return 11;
    if (c >= 48 && c <= 55) {
      // Octal: \0 followed by up to two digits, or \1-\7 followed by at least one (else a backreference).
      if (c != 48 && !(this.i < this.p.length && this.p[this.i] >= 48 && this.p[this.i] <= 55)) {
        this.fail("invalid escape sequence: backreferences are not supported by RE2"); return -1;
      }
      let v = c - 48;
      for (let k = 0; k < 2 && this.i < this.p.length && this.p[this.i] >= 48 && this.p[this.i] <= 55; k++) v = v * 8 + this.p[this.i++] - 48;
      return v;
    }
    if (c == 120 /* x */) {
      if (this.peek() == 123) {
        this.i++;
        let v = 0, n = 0;
        while (this.i < this.p.length && hexVal(this.p[this.i]) >= 0) { v = v * 16 + hexVal(this.p[this.i++]); n++; if (v > 0x10ffff) break; }
        if (n == 0 || this.peek() != 125 || v > 0x10ffff) { this.fail("invalid escape sequence \\x{"); return -1; }
        this.i++;
        return v;
      }
      if (this.i + 1 < this.p.length && hexVal(this.p[this.i]) >= 0 && hexVal(this.p[this.i + 1]) >= 0) {
        const v = hexVal(this.p[this.i]) * 16 + hexVal(this.p[this.i + 1]);
        this.i += 2;
        return v;
      }
      this.fail("invalid escape sequence \\x"); return -1;
    }
    if (c < 128 && !isWordChar(c)) return c; // escaped punctuation is literal
    this.fail("invalid escape sequence \\" + String.fromCodePoint(c));
    return -1;
  }

  parseEscape(): Node {
    if (this.i >= this.p.length) return this.fail("trailing backslash at end of expression");
    const c = this.p[this.i++];
    const perl = perlClass(c);
    if (perl !== null) return classNode(perl!);
    if (c == 98) return assertNode(A_WORD);
    if (c == 66) return assertNode(A_NOT_WORD);
    if (c == 65) return assertNode(A_BEGIN_TEXT);
    if (c == 122) return assertNode(A_END_TEXT);
    if (c == 112 || c == 80) return this.unsupportedSyntax("Unicode character classes (\\p, \\P)");
    if (c == 67) return this.unsupportedSyntax("\\C (any byte)");
    if (c == 81 /* \Q...\E */) {
      const n = new Node(N_CAT);
      while (this.i < this.p.length) {
        if (this.p[this.i] == 92 && this.i + 1 < this.p.length && this.p[this.i + 1] == 69) { this.i += 2; break; }
        n.kids.push(charNode(this.p[this.i++], this.fold));
      }
      return n;
    }
    const v = this.escapedChar(c);
    if (v < 0) return new Node(N_EMPTY);
    return charNode(v, this.fold);
  }

  parseBracket(): Node {
    const k = new CharClass();
    k.fold = this.fold;
    if (this.peek() == 94) { k.negated = true; this.i++; }
    let first = true;
    while (true) {
      if (this.i >= this.p.length) return this.fail("missing closing ]");
      let c = this.p[this.i];
      if (c == 93 && !first) { this.i++; break; }
      first = false;
      // [:name:] and [:^name:]
      if (c == 91 && this.i + 1 < this.p.length && this.p[this.i + 1] == 58) {
        let j = this.i + 2;
        while (j + 1 < this.p.length && !(this.p[j] == 58 && this.p[j + 1] == 93)) j++;
        if (j + 1 < this.p.length) {
          let name = "";
          let negated = false;
          let s = this.i + 2;
          if (s < j && this.p[s] == 94) { negated = true; s++; }
          for (let q = s; q < j; q++) name += String.fromCodePoint(this.p[q]);
          const pc = posixClass(name);
          if (pc === null) return this.fail("invalid character class range: [:" + name + ":]");
          pc!.negated = negated;
          k.addClass(pc!);
          this.i = j + 2;
          continue;
        }
      }
      this.i++;
      let lo = c;
      if (c == 92) {
        if (this.i >= this.p.length) return this.fail("missing closing ]");
        const e = this.p[this.i++];
        const perl = perlClass(e);
        if (perl !== null) { k.addClass(perl!); continue; }
        if (e == 112 || e == 80) return this.unsupportedSyntax("Unicode character classes (\\p, \\P)");
        lo = this.escapedChar(e);
        if (lo < 0) return new Node(N_EMPTY);
      }
      let hi = lo;
      if (this.peek() == 45 && this.i + 1 < this.p.length && this.p[this.i + 1] != 93) {
        this.i++;
        c = this.p[this.i++];
        hi = c;
        if (c == 92) {
          if (this.i >= this.p.length) return this.fail("missing closing ]");
          hi = this.escapedChar(this.p[this.i++]);
          if (hi < 0) return new Node(N_EMPTY);
        }
        if (hi < lo) return this.fail("invalid character class range");
      }
      k.add(lo, hi);
    }
    return classNode(k);
  }
}

// ---- gobwas glob parser -------------------------------------------------------------------------

class GlobParser {
  p: Array<i32>;
  i: i32 = 0;
  error: string = "";
  constructor(pattern: string, public seps: Array<i32>) { this.p = codePoints(pattern); }

  notSep(): CharClass {
    const k = new CharClass();
    for (let i = 0; i < this.seps.length; i++) k.add(this.seps[i], this.seps[i]);
    k.negated = true;
    return k;
  }

  /** inTerms: inside `{…}`, where `,` and `}` end a branch. */
  parseSeq(inTerms: bool): Node {
    const n = new Node(N_CAT);
    while (this.i < this.p.length && this.error == "") {
      const c = this.p[this.i];
      if (inTerms && (c == 44 || c == 125)) break;
      this.i++;
      if (c == 42 /* * */) {
        let any = false;
        if (this.i < this.p.length && this.p[this.i] == 42) { this.i++; any = true; }
        const k = any || this.seps.length == 0 ? new CharClass() : this.notSep();
        if (any || this.seps.length == 0) k.negated = true; // empty negated set = any code point
        const r = new Node(N_REP); r.kids.push(classNode(k)); r.min = 0; r.max = -1;
        n.kids.push(r);
      } else if (c == 63 /* ? */) {
        const k = this.notSep();
        n.kids.push(classNode(k));
      } else if (c == 91 /* [ */) {
        const k = new CharClass();
        if (this.i < this.p.length && this.p[this.i] == 33 /* ! */) { k.negated = true; this.i++; }
        let count = 0;
        while (true) {
          if (this.i >= this.p.length) { this.error = "unexpected end of input in character class"; break; }
          let lo = this.p[this.i++];
          if (lo == 93 /* ] */) break;
          if (lo == 92 && this.i < this.p.length) lo = this.p[this.i++];
          let hi = lo;
          if (this.i + 1 < this.p.length && this.p[this.i] == 45 && this.p[this.i + 1] != 93) {
            this.i++;
            hi = this.p[this.i++];
            if (hi == 92 && this.i < this.p.length) hi = this.p[this.i++];
            if (hi < lo) { this.error = "invalid range in character class"; break; }
          }
          k.add(lo, hi);
          count++;
        }
        if (count == 0 && this.error == "") this.error = "empty character class";
        n.kids.push(classNode(k));
      } else if (c == 123 /* { */) {
        const alt = new Node(N_ALT);
        while (true) {
          alt.kids.push(this.parseSeq(true));
          if (this.error != "") break;
          if (this.i >= this.p.length) { this.error = "unexpected end of input in {…}"; break; }
          const d = this.p[this.i++];
          if (d == 125) break;
        }
        n.kids.push(alt);
      } else if (c == 92 /* \ */) {
        if (this.i >= this.p.length) { this.error = "trailing backslash"; break; }
        n.kids.push(charNode(this.p[this.i++], false));
      } else if (c == 125 && !inTerms) {
        this.error = "unexpected }";
      } else {
        n.kids.push(charNode(c, false));
      }
    }
    return n;
  }
}

// ---- compiler -----------------------------------------------------------------------------------

function emit(c: Compiled, op: i32, x: i32, y: i32): i32 {
  c.op.push(op); c.x.push(x); c.y.push(y);
  return c.op.length - 1;
}

function gen(c: Compiled, n: Node): void {
  if (c.op.length > MAX_PROG) { c.error = "pattern too large"; return; }
  switch (n.kind) {
    case N_EMPTY: return;
    case N_CLASS: {
      c.classes.push(n.cls!);
      emit(c, I_CLASS, c.classes.length - 1, 0);
      return;
    }
    case N_ASSERT: emit(c, I_ASSERT, n.assertion, 0); return;
    case N_CAT: for (let i = 0; i < n.kids.length; i++) gen(c, n.kids[i]); return;
    case N_ALT: {
      // split L1, next; L1: a; jmp end; next: split L2, … ; last alternative inline
      const jumps = new Array<i32>();
      for (let i = 0; i < n.kids.length - 1; i++) {
        const split = emit(c, I_SPLIT, 0, 0);
        c.x[split] = c.op.length;
        gen(c, n.kids[i]);
        jumps.push(emit(c, I_JMP, 0, 0));
        c.y[split] = c.op.length;
      }
      gen(c, n.kids[n.kids.length - 1]);
      for (let i = 0; i < jumps.length; i++) c.x[jumps[i]] = c.op.length;
      return;
    }
    case N_REP: {
      const body = n.kids[0];
      for (let i = 0; i < n.min; i++) gen(c, body);
      if (n.max < 0) {
        // L: split body, end; body; jmp L
        const split = emit(c, I_SPLIT, 0, 0);
        c.x[split] = c.op.length;
        gen(c, body);
        emit(c, I_JMP, split, 0);
        c.y[split] = c.op.length;
      } else {
        const splits = new Array<i32>();
        for (let i = n.min; i < n.max; i++) {
          const split = emit(c, I_SPLIT, 0, 0);
          c.x[split] = c.op.length;
          splits.push(split);
          gen(c, body);
        }
        for (let i = 0; i < splits.length; i++) c.y[splits[i]] = c.op.length;
      }
      return;
    }
  }
}

function finish(c: Compiled, root: Node): Compiled {
  gen(c, root);
  emit(c, I_MATCH, 0, 0);
  return c;
}

export function compileRegex(pattern: string): Compiled {
  const p = new RegexParser(pattern);
  const root = p.parseAlt(0);
  const c = new Compiled();
  if (p.error == "" && p.i < p.p.length) p.error = "unexpected )";
  if (p.error != "") { c.error = p.error; c.unsupported = p.unsupported; return c; }
  return finish(c, root);
}

export function compileGlob(pattern: string, seps: Array<i32>): Compiled {
  const g = new GlobParser(pattern, seps);
  const root = g.parseSeq(false);
  const c = new Compiled();
  if (g.error != "") { c.error = g.error; return c; }
  // A glob matches the whole string.
  const cat = new Node(N_CAT);
  cat.kids.push(assertNode(A_BEGIN_TEXT));
  cat.kids.push(root);
  cat.kids.push(assertNode(A_END_TEXT));
  return finish(c, cat);
}

// ---- Pike VM ------------------------------------------------------------------------------------

class ThreadList {
  dense: Int32Array;
  sparse: Int32Array;
  size: i32 = 0;
  constructor(n: i32) { this.dense = new Int32Array(n); this.sparse = new Int32Array(n); }
  has(pc: i32): bool { const s = this.sparse[pc]; return s < this.size && this.dense[s] == pc; }
  add(pc: i32): void { this.sparse[pc] = this.size; this.dense[this.size++] = pc; }
  clear(): void { this.size = 0; }
}

function assertionHolds(a: i32, text: Array<i32>, pos: i32): bool {
  const n = text.length;
  const prev = pos > 0 ? text[pos - 1] : -1;
  const next = pos < n ? text[pos] : -1;
  switch (a) {
    case A_BEGIN_TEXT: return pos == 0;
    case A_END_TEXT: return pos == n;
    case A_BEGIN_LINE: return pos == 0 || prev == 10;
    case A_END_LINE: return pos == n || next == 10;
    case A_WORD: return (prev >= 0 && isWordChar(prev)) != (next >= 0 && isWordChar(next));
    case A_NOT_WORD: return (prev >= 0 && isWordChar(prev)) == (next >= 0 && isWordChar(next));
  }
  return false;
}

/** Adds pc and everything reachable by empty transitions; true if MATCH is reachable. */
function addThread(c: Compiled, list: ThreadList, start: i32, text: Array<i32>, pos: i32, stack: Array<i32>): bool {
  stack.push(start);
  let matched = false;
  while (stack.length > 0) {
    const pc = stack.pop();
    if (list.has(pc)) continue;
    list.add(pc);
    const o = c.op[pc];
    if (o == I_JMP) stack.push(c.x[pc]);
    else if (o == I_SPLIT) { stack.push(c.y[pc]); stack.push(c.x[pc]); }
    else if (o == I_ASSERT) { if (assertionHolds(c.x[pc], text, pos)) stack.push(pc + 1); }
    else if (o == I_MATCH) matched = true;
  }
  return matched;
}

/** Whether the program matches somewhere in s (globs are anchored by their program). */
export function runProgram(c: Compiled, s: string): bool {
  const text = codePoints(s);
  const n = c.op.length;
  let cur = new ThreadList(n), nxt = new ThreadList(n);
  const stack = new Array<i32>();
  for (let pos = 0; pos <= text.length; pos++) {
    // Unanchored search: a new thread starts at every position.
    if (addThread(c, cur, 0, text, pos, stack)) return true;
    if (pos == text.length) break;
    const ch = text[pos];
    nxt.clear();
    for (let k = 0; k < cur.size; k++) {
      const pc = cur.dense[k];
      if (c.op[pc] == I_CLASS && c.classes[c.x[pc]].matches(ch)) {
        if (addThread(c, nxt, pc + 1, text, pos + 1, stack)) return true;
      }
    }
    const t = cur; cur = nxt; nxt = t;
  }
  return false;
}
