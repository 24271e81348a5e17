// Tree-walking evaluator over the plan produced by the TypeScript planner (src/plan/). Every term
// is deterministic (one value or undefined = null); iteration happens only in SCAN and EVERY
// statements, and a body is solved by collecting every binding frame that satisfies it.
import {
  Value, ArrV, NumV, K_ARR, K_OBJ, K_NULL, K_STR, asNum, asArr, asObj, equal, isFalse, asStr, keysOf, valuesOf, lookup, newObj, newObjFor, objPut, objGet, setFrom, setFromOwned, mkNum, mkStr, put,
} from "./values";
import { callNative, resolveBuiltin, prepareMatch, matchArity, runPrepared, PreparedMatch } from "./builtins";
import { callHost } from "./host";

// Statement opcodes (mirrors src/plan/opcodes.ts).
const S_EXPR = 0, S_MATCH = 1, S_SCAN = 2, S_NOT = 3, S_EVERY = 4, S_WITH = 5, S_GATHER = 6;
// `with` targets.
const W_INPUT = 0;
// Term opcodes.
const T_CONST = 0, T_VAR = 1, T_REF = 2, T_RULE = 3, T_CALL = 4, T_FUNC = 5, T_ARRAY = 6, T_OBJECT = 7,
  T_SET = 8, T_COMPR = 9, T_INPUT = 10, T_DATA = 11, T_HOST = 12, T_REFOR = 13, T_DEFAULTED = 14, T_GATHER = 15, T_CHECKED = 16;
// The concat built-in's id (builtins.ts NAMES).
const B_CONCAT: i32 = resolveBuiltin("concat");
// Rule kinds.
const R_COMPLETE = 0, R_SET = 1, R_OBJECT = 2, R_FUNC = 3;
// VM-only term opcode, never in a plan: a call of a user function whose arguments are all
// constants or rule values (after folding), none bound in a frame, so its result is memoised per
// epoch (see Plan.fold and memoFunc): `containers(pod_spec, ["containers"])` runs once per input.
const VM_FUNC_PURE_ARGS: i32 = 100;
// VM-only: a regex.match / glob.match call whose pattern (and delimiters) are constants, compiled
// once when the plan is decoded (Plan.matches; its index is appended to the node).
const VM_MATCH_CONST: i32 = 101;
// VM-only: `concat(sep, [a, b, …])` with an array literal that is not constant, joined from its
// members' values without building the array (podsec's violation messages).
const VM_CONCAT_LITERAL: i32 = 102;

type Frame = StaticArray<Value | null>;

// Plan nodes come from our own compiler and their shape is fixed per opcode, so reading a node's
// fields skips the bounds checks (they were a measurable share of evaluation time). A node's
// opcode is copied into its `kind` when the plan is decoded (Plan → foldRule), so dispatching on it
// is one load: plan nodes are never Rego values, and OP_BASE keeps them apart from every K_* kind.
const OP_BASE: i32 = 1000;
// @ts-ignore: decorator
@inline function op(node: Value): i32 { return node.kind - OP_BASE; }
/** The opcode as the plan encodes it (element 0), before the decode pass has copied it. */
function rawOp(node: Value): i32 { return <i32>asNum(unchecked(asArr(node).items[0])).n; }
function setOp(node: Value, o: i32): void { node.kind = OP_BASE + o; }
// @ts-ignore: decorator
@inline function at(node: Value, i: i32): Value { return unchecked(asArr(node).items[i]); }
// @ts-ignore: decorator
@inline function int(node: Value, i: i32): i32 { return <i32>asNum(unchecked(asArr(node).items[i])).n; }
function isNil(v: Value): bool { return v.kind == 0; }

/** Documents parsed or patched so far: a new one may sit where an old one was (see Plan.epochFor). */
let parses: i32 = 0;
/** Called by everything that parses a document or changes one in place (index.ts). */
export function noteParse(): void { parses++; }

export class Plan {
  rules: Array<Value> = new Array<Value>();
  entryNames: Array<Value> = new Array<Value>();
  entryRules: Array<i32> = new Array<i32>();
  natives: Array<i32> = new Array<i32>();
  host: Array<Value> = new Array<Value>();
  matches: Array<PreparedMatch> = new Array<PreparedMatch>();
  /**
   * Per rule: every definition (else branches included) has the same constant value, so the first
   * definition that holds decides and no other can conflict with it. Evaluation stops there, as
   * OPA's early exit does for complete rules and functions with constant values (`allow if …`,
   * `f(x) if …`): later definitions are not evaluated, and an iterating body stops at its first
   * solution.
   */
  earlyExit: Array<bool> = new Array<bool>();
  constructor(root: Value) {
    const parts = asArr(root).items;
    this.rules = asArr(parts[0]).items;
    this.entryNames = asArr(parts[1]).items;
    const er = asArr(parts[2]).items;
    for (let i = 0; i < er.length; i++) this.entryRules.push(<i32>asNum(er[i]).n);
    const nat = asArr(parts[3]).items;
    for (let i = 0; i < nat.length; i++) {
      const name = asStr(nat[i]).s;
      const id = resolveBuiltin(name);
      if (id < 0) throw new Error("podsec runtime: built-in " + name + " is not implemented natively");
      this.natives.push(id);
    }
    this.host = asArr(parts[4]).items;
    folding = this;
    for (let i = 0; i < this.rules.length; i++) foldRule(this.rules[i]);
    const n = this.rules.length;
    for (let i = 0; i < n; i++) this.earlyExit.push(constantValued(this.rules[i]));
    this.memo = new Array<Value | null>(n);
    this.memoStamp = new Array<i32>(n);
    this.memoState = new Array<i32>(n);
    this.noneReplaced = new Array<i32>(n);
    this.noReplacement = new Array<Value | null>(n);
  }

  // The rule memo lives as long as the plan (allocated at start, below every heap reset) and is
  // valid for one epoch: an entry counts only when its stamp is the epoch. A module holding many
  // policies' rules (batch evaluation) would otherwise clear the memo of all of them for every
  // entrypoint it evaluates. An epoch spans consecutive evaluations of one input (see epochFor).
  memo: Array<Value | null> = new Array<Value | null>(0);
  memoStamp: Array<i32> = new Array<i32>(0);
  memoState: Array<i32> = new Array<i32>(0);
  /** All zero / null: no rule is replaced by a `with` (shared, never written). */
  noneReplaced: Array<i32> = new Array<i32>(0);
  noReplacement: Array<Value | null> = new Array<Value | null>(0);
  epoch: i32 = 0;
  /** Results of user-function calls with frame-free arguments, this epoch (see memoFunc); 0 until the first. */
  fmemo: Array<FuncMemo> = changetype<Array<FuncMemo>>(0);
  // What the current epoch's evaluations ran on (see epochFor).
  private epochInput: usize = 0;
  private epochData: usize = 0;
  private epochParses: i32 = -1;
  private epochHeapEnd: usize = 0;
  private evaluating: bool = false;

  /**
   * The epoch for an evaluation of `input` and `data` starting with the heap at `heap`. It is the
   * previous one, memoised rules and function results included, only when that cannot change a
   * value: the same input and data documents, nothing parsed or patched since (a value at a
   * reused address may be another document), the heap not reset below where the last evaluation
   * left it (the memoised values are still there), and the last evaluation not aborted (an
   * aborted one leaves rules marked in progress). Batch evaluation of many entrypoints on one
   * input thereby evaluates the rules they share (after shareIdenticalRules, every policy's
   * `applies` and `pod_spec`) once.
   */
  epochFor(input: Value | null, data: Value, heap: usize): i32 {
    const i = changetype<usize>(input), d = changetype<usize>(data);
    const same = !this.evaluating && i == this.epochInput && d == this.epochData && parses == this.epochParses && heap >= this.epochHeapEnd;
    this.evaluating = true;
    if (same) return this.epoch;
    this.epochInput = i;
    this.epochData = d;
    this.epochParses = parses;
    this.fmemo = changetype<Array<FuncMemo>>(0);
    return this.nextEpoch();
  }

  /** Marks the end of an evaluation that returned, its values below `heap`. */
  evaluated(heap: usize): void {
    this.evaluating = false;
    this.epochHeapEnd = heap;
  }

  nextEpoch(): i32 {
    if (this.epoch == i32.MAX_VALUE) {
      for (let i = 0; i < this.memoStamp.length; i++) this.memoStamp[i] = 0;
      this.epoch = 0;
    }
    return ++this.epoch;
  }
}

// ---- constant folding, once when the plan is decoded ------------------------------------------
// Array, set and object literals whose members are all constants become one constant, so that
// `x in {"a", "b"}` no longer builds and sorts the set on every evaluation; calls of user functions
// with constant arguments (`containers(["containers", "initContainers"])`) are marked for the
// per-evaluation memo. Patterns fold too: a constant array/object pattern matches exactly the
// values equal to it, which is what matching a constant does.

function isConst(t: Value): bool { return op(t) == T_CONST; } // after foldTerm(t)

/** The plan being decoded (its natives are resolved before its rules are folded). */
let folding: Plan | null = null;

/** Marks a regex.match / glob.match call with constant pattern arguments and compiles them. */
function prepareCall(t: Value): void {
  const plan = folding!;
  const items = asArr(t).items;
  const builtin = plan.natives[int(t, 1)];
  const arity = matchArity(builtin);
  if (arity < 0 || items.length - 2 != arity) return;
  const consts = new Array<Value>();
  for (let i = 2; i < items.length - 1; i++) {
    if (!isConst(items[i])) return;
    consts.push(at(items[i], 1));
  }
  const m = prepareMatch(builtin, consts);
  if (m === null) return;
  items.push(mkNum(<f64>plan.matches.length));
  plan.matches.push(m);
  items[0] = mkNum(<f64>VM_MATCH_CONST);
  setOp(t, VM_MATCH_CONST);
}

function setNode(t: Value, items: Array<Value>): void { asArr(t).items = items; }

function foldTerm(t: Value): void {
  if (isNil(t)) return;
  const o = rawOp(t);
  setOp(t, o);
  const items = asArr(t).items;
  switch (o) {
    case T_REF: case T_REFOR: case T_DEFAULTED: case T_GATHER: case T_CHECKED: for (let i = 1; i < items.length; i++) foldTerm(items[i]); return;
    case T_CALL: {
      for (let i = 2; i < items.length; i++) foldTerm(items[i]);
      if (items.length == 4 && folding!.natives[int(t, 1)] == B_CONCAT && op(items[3]) == T_ARRAY) {
        items[0] = mkNum(<f64>VM_CONCAT_LITERAL);
        setOp(t, VM_CONCAT_LITERAL);
        return;
      }
      prepareCall(t);
      return;
    }
    case T_HOST: for (let i = 2; i < items.length; i++) foldTerm(items[i]); return;
    case T_FUNC: {
      let pure = items.length > 2;
      for (let i = 2; i < items.length; i++) { foldTerm(items[i]); pure = pure && (isConst(items[i]) || op(items[i]) == T_RULE); }
      if (pure) { items[0] = mkNum(<f64>VM_FUNC_PURE_ARGS); setOp(t, VM_FUNC_PURE_ARGS); }
      return;
    }
    case T_ARRAY: case T_SET: case T_OBJECT: {
      let allConst = true;
      for (let i = 1; i < items.length; i++) { foldTerm(items[i]); allConst = allConst && isConst(items[i]); }
      if (!allConst) return;
      let v: Value;
      if (o == T_OBJECT) {
        const obj = newObj();
        for (let i = 1; i + 1 < items.length; i += 2) objPut(obj, at(items[i], 1), at(items[i + 1], 1), true);
        v = obj;
      } else {
        const vs = new Array<Value>();
        for (let i = 1; i < items.length; i++) vs.push(at(items[i], 1));
        v = o == T_SET ? setFrom(vs) : new ArrV(vs);
      }
      setNode(t, [mkNum(<f64>T_CONST), v]);
      setOp(t, T_CONST);
      return;
    }
    case T_COMPR: {
      foldTerm(items[2]); foldTerm(items[3]); foldBody(items[4]); return;
    }
  }
}

// A body's own node (the array of its statements) is marked when the plan is decoded with what
// the evaluator would otherwise work out on every evaluation: whether it can yield more than one
// solution (SCAN, WITH), and whether it binds at all (only expressions).
const BODY_LINEAR: i32 = OP_BASE + 200; // no SCAN or WITH: at most one solution, the frame itself
// Linear and binds nothing: only expressions, and negations and `every`s, which run on a copy of
// the frame or on a body that itself binds nothing (see single()).
const BODY_EXPRS: i32 = OP_BASE + 201;
const BODY_ITERATES: i32 = OP_BASE + 202;

function foldBody(body: Value): void {
  const stmts = asArr(body).items;
  foldStmts(stmts);
  let kind = BODY_EXPRS;
  for (let i = 0; i < stmts.length; i++) {
    const o = op(unchecked(stmts[i]));
    if (o == S_SCAN || o == S_WITH || o == S_GATHER) { kind = BODY_ITERATES; break; }
    if (o != S_EXPR && o != S_NOT && o != S_EVERY) kind = BODY_LINEAR;
  }
  body.kind = kind;
}

function foldStmts(stmts: Array<Value>): void {
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i];
    const items = asArr(s).items;
    const o = rawOp(s);
    setOp(s, o);
    switch (o) {
      case S_EXPR: foldTerm(items[1]); break;
      case S_MATCH: foldTerm(items[1]); foldTerm(items[2]); break;
      case S_SCAN: foldTerm(items[1]); foldTerm(items[2]); foldTerm(items[3]); break;
      case S_GATHER: foldTerm(items[1]); foldTerm(items[2]); foldTerm(items[3]); foldTerm(items[4]); break;
      case S_NOT: foldBody(items[1]); break;
      case S_EVERY: foldTerm(items[1]); foldTerm(items[2]); foldTerm(items[3]); foldBody(items[4]); break;
      case S_WITH: {
        const vs = asArr(items[2]).items;
        for (let j = 0; j < vs.length; j++) foldTerm(vs[j]);
        foldBody(items[3]);
        break;
      }
    }
  }
}

/**
 * A definition node whose argument patterns are all distinct variables: a call binds them without
 * matching (its frame starts unbound). Plan nodes are never Rego values (see OP_BASE).
 */
const DEF_VAR_ARGS: i32 = OP_BASE + 210;

function foldDef(d: Value): void {
  while (!isNil(d)) {
    const items = asArr(d).items;
    const args = asArr(items[0]).items;
    for (let i = 0; i < args.length; i++) foldTerm(args[i]);
    if (distinctVars(args)) d.kind = DEF_VAR_ARGS;
    foldTerm(items[1]);
    foldTerm(items[2]);
    foldBody(items[3]);
    d = items[4];
  }
}

function distinctVars(pats: Array<Value>): bool {
  for (let i = 0; i < pats.length; i++) {
    if (op(pats[i]) != T_VAR) return false;
    for (let j = 0; j < i; j++) if (int(pats[j], 1) == int(pats[i], 1)) return false;
  }
  return true;
}

/** Whether every definition of `r`, else branches included, has one and the same constant value. */
function constantValued(r: Value): bool {
  const defs = asArr(at(r, 2)).items;
  let value: Value | null = null;
  for (let i = 0; i < defs.length; i++) {
    for (let d = defs[i]; !isNil(d); d = at(d, 4)) {
      const v = at(d, 2);
      if (op(v) != T_CONST) return false;
      const c = at(v, 1);
      if (value === null) value = c;
      else if (!equal(value!, c)) return false;
    }
  }
  return value !== null;
}

function foldRule(r: Value): void {
  const items = asArr(r).items;
  const defs = asArr(items[2]).items;
  for (let i = 0; i < defs.length; i++) foldDef(defs[i]);
  foldTerm(items[3]);
}


export class Evaluator {
  memo: Array<Value | null>;
  /** memoState is valid where memoStamp is this evaluation's epoch. */
  memoStamp: Array<i32>;
  memoState: Array<i32>; // 1 = in progress, 2 = done
  epoch: i32;
  /** Rules replaced by an enclosing `with data.… as`: 1 where `replaced` holds the rule's value. */
  isReplaced: Array<i32>;
  replaced: Array<Value | null>;
  /** Results of user-function calls with frame-free arguments, this epoch (VM_FUNC_PURE_ARGS). */
  fmemo: Array<FuncMemo>;
  /** The solution list of holds(), reused (see there); allocated by its first use. */
  scratch: Array<Frame> = changetype<Array<Frame>>(0);
  /** Set by defValue(): its definition's solutions gave different values. */
  defConflict: bool = false;
  constructor(public plan: Plan, public input: Value | null, public data: Value, heap: usize) {
    this.epoch = plan.epochFor(input, data, heap);
    this.fmemo = plan.fmemo;
    this.memo = plan.memo;
    this.memoStamp = plan.memoStamp;
    this.memoState = plan.memoState;
    this.isReplaced = plan.noneReplaced;
    this.replaced = plan.noReplacement;
  }

  /**
   * Runs `inner` with the modifiers of a `with` statement applied and collects its solutions.
   * Everything a rule computed may depend on what was replaced, so the rule memo starts empty
   * inside and the outer one is restored after.
   */
  withScope(s: Value, f: Frame, sols: Array<Frame>): void {
    const specs = asArr(at(at(s, 1), 1)).items;
    const valueTerms = asArr(at(s, 2)).items;
    const values = new Array<Value>();
    for (let i = 0; i < valueTerms.length; i++) {
      const v = this.term(valueTerms[i], f);
      if (v === null) return; // an undefined replacement makes the expression undefined
      values.push(v);
    }
    const n = this.plan.rules.length;
    const saved = new WithSave(this);
    this.fmemo = new Array<FuncMemo>();
    // Fresh arrays: zero stamps never equal an epoch (epochs start at 1).
    this.memo = new Array<Value | null>(n);
    this.memoStamp = new Array<i32>(n);
    this.memoState = new Array<i32>(n);
    this.isReplaced = saved.isReplaced.slice(0);
    this.replaced = saved.replaced.slice(0);
    for (let i = 0; i < specs.length; i++) {
      const spec = asArr(specs[i]).items;
      const path = asArr(spec[1]).items;
      if (<i32>asNum(spec[0]).n == W_INPUT) {
        this.input = upsert(this.input, path, 0, values[i]);
      } else {
        this.data = upsert(this.data, path, 0, values[i])!;
        const rules = asArr(spec[2]).items;
        for (let j = 0; j < rules.length; j++) {
          const r = asArr(rules[j]).items;
          const idx = <i32>asNum(r[0]).n;
          this.isReplaced[idx] = 1;
          this.replaced[idx] = lookupPath(values[i], asArr(r[1]).items);
        }
      }
    }
    this.body(asArr(at(s, 3)).items, 0, copyFrame(f), sols);
    saved.restore(this);
  }

  // ---- terms -------------------------------------------------------------------------------

  term(t: Value, f: Frame): Value | null {
    switch (op(t)) {
      case T_CONST: return at(t, 1);
      case T_VAR: return unchecked(f[int(t, 1)]);
      case T_REF: {
        let cur = this.term(at(t, 1), f);
        const items = asArr(t).items;
        for (let i = 2; i < items.length && cur !== null; i++) {
          const ki = unchecked(items[i]);
          const k = op(ki) == T_CONST ? at(ki, 1) : this.term(ki, f); // most keys are constants
          if (k === null) return null;
          cur = lookup(cur, k);
        }
        return cur;
      }
      case T_REFOR: {
        // An inlined reader (src/compile/inline.ts): undefined with its argument, else the value at
        // the constant path, or the fallback constant where the path is undefined.
        let cur = this.term(at(t, 1), f);
        if (cur === null) return null;
        const items = asArr(t).items;
        for (let i = 3; i < items.length; i++) {
          cur = lookup(cur!, at(unchecked(items[i]), 1));
          if (cur === null) return at(at(t, 2), 1);
        }
        return cur;
      }
      case T_DEFAULTED: {
        // An inlined fallback reader (src/compile/inline.ts): the read value unless it is
        // undefined or null, else the fallback.
        const v = this.term(at(t, 1), f);
        if (v !== null && v.kind != K_NULL) return v;
        return this.term(at(t, 2), f);
      }
      case T_CHECKED: {
        // An inlined checked reader (src/compile/inline.ts): the read value if it passes the type
        // test, else the fallback.
        const v = this.term(at(t, 1), f);
        if (v !== null) {
          const ok = callNative(unchecked(this.plan.natives[int(at(t, 3), 1)]), v, z0(), z0());
          if (ok !== null && !isFalse(ok)) return v;
        }
        return this.term(at(t, 2), f);
      }
      case T_GATHER: {
        // An inlined gatherer (src/compile/gather.ts): undefined with either argument.
        const from = at(t, 1);
        if (op(from) == T_OBJECT && asArr(from).items.length == 3) {
          // A literal object of one member (`{kind: [c]}`) is read where it stands, not built.
          const k = this.term(at(from, 1), f);
          if (k === null) return null;
          const v = this.term(at(from, 2), f);
          if (v === null) return null;
          const keys = this.term(at(t, 2), f);
          return keys === null ? null : gatherOne(k, v, keys);
        }
        const c = this.term(from, f);
        if (c === null) return null;
        const keys = this.term(at(t, 2), f);
        return keys === null ? null : gather(c, keys);
      }
      case T_RULE: return this.rule(int(t, 1));
      case VM_FUNC_PURE_ARGS: return this.memoFunc(t, f);
      case VM_MATCH_CONST: {
        const items = asArr(t).items;
        const v = this.term(unchecked(items[items.length - 2]), f);
        return v === null ? null : runPrepared(this.plan.matches[int(t, items.length - 1)], v);
      }
      case VM_CONCAT_LITERAL: {
        const sep = this.term(at(t, 2), f);
        if (sep === null) return null;
        const parts = asArr(at(t, 3)).items;
        const values = new Array<Value>(parts.length - 1);
        for (let i = 1; i < parts.length; i++) {
          const v = this.term(unchecked(parts[i]), f);
          if (v === null) return null;
          put<Value>(values, i - 1, v);
        }
        return joinStrings(sep, values);
      }
      case T_CALL: {
        // Native built-ins take at most three arguments (src/compile/builtins.ts): they are
        // passed in locals, absent ones as the null pointer, as callBuiltin did.
        const items = asArr(t).items;
        const n = items.length - 2;
        let x = changetype<Value>(0), y = changetype<Value>(0), z = changetype<Value>(0);
        if (n > 0) { const v = this.term(unchecked(items[2]), f); if (v === null) return null; x = v; }
        if (n > 1) { const v = this.term(unchecked(items[3]), f); if (v === null) return null; y = v; }
        if (n > 2) { const v = this.term(unchecked(items[4]), f); if (v === null) return null; z = v; }
        return callNative(unchecked(this.plan.natives[int(t, 1)]), x, y, z);
      }
      case T_FUNC: {
        const items = asArr(t).items;
        const n = items.length - 2;
        if (n <= 3) {
          // Arguments in locals, as for natives: no argument array per call.
          let x = changetype<Value>(0), y = changetype<Value>(0), z = changetype<Value>(0);
          if (n > 0) { const v = this.term(unchecked(items[2]), f); if (v === null) return null; x = v; }
          if (n > 1) { const v = this.term(unchecked(items[3]), f); if (v === null) return null; y = v; }
          if (n > 2) { const v = this.term(unchecked(items[4]), f); if (v === null) return null; z = v; }
          return this.call(int(t, 1), n, x, y, z);
        }
        const args = new Array<Value>(n);
        for (let i = 0; i < n; i++) {
          const v = this.term(unchecked(items[i + 2]), f);
          if (v === null) return null;
          put<Value>(args, i, v);
        }
        return this.func(int(t, 1), args);
      }
      case T_HOST: {
        const items = asArr(t).items;
        const args = new Array<Value>(items.length - 2);
        for (let i = 2; i < items.length; i++) {
          const v = this.term(unchecked(items[i]), f);
          if (v === null) return null;
          put<Value>(args, i - 2, v);
        }
        return callHost(int(t, 1), args);
      }
      case T_ARRAY: {
        const items = asArr(t).items;
        const out = new Array<Value>(items.length - 1);
        for (let i = 1; i < items.length; i++) {
          const v = this.term(unchecked(items[i]), f);
          if (v === null) return null;
          put<Value>(out, i - 1, v);
        }
        return new ArrV(out);
      }
      case T_SET: {
        const items = asArr(t).items;
        const out = new Array<Value>();
        for (let i = 1; i < items.length; i++) {
          const v = this.term(items[i], f);
          if (v === null) return null;
          out.push(v);
        }
        return setFrom(out);
      }
      case T_OBJECT: {
        const items = asArr(t).items;
        const o = newObjFor((items.length - 1) >> 1);
        for (let i = 1; i + 1 < items.length; i += 2) {
          const k = this.term(items[i], f);
          if (k === null) return null;
          const v = this.term(items[i + 1], f);
          if (v === null) return null;
          objPut(o, k, v, true);
        }
        return o;
      }
      case T_COMPR: return this.comprehension(t, f);
      case T_INPUT: return this.input;
      case T_DATA: return this.data;
    }
    throw new Error("podsec runtime: bad term opcode " + op(t).toString());
  }

  /**
   * A call whose arguments are constants or rule values, evaluated once per epoch (and per `with`
   * scope). Memoised rule values are the same object on every read, so comparing arguments is
   * mostly one pointer comparison (see compare()).
   */
  memoFunc(t: Value, f: Frame): Value | null {
    const items = asArr(t).items;
    const idx = int(t, 1);
    const n = items.length - 2;
    const args = new Array<Value>(n);
    for (let j = 0; j < n; j++) {
      const v = this.term(unchecked(items[j + 2]), f);
      if (v === null) return null;
      put<Value>(args, j, v);
    }
    let memo = this.fmemo;
    if (changetype<usize>(memo) != 0) {
      for (let i = 0; i < memo.length; i++) {
        const m = unchecked(memo[i]);
        if (m.idx != idx) continue;
        let same = true;
        for (let j = 0; j < n && same; j++) same = equal(unchecked(m.args[j]), unchecked(args[j]));
        if (same) return m.value;
      }
    }
    const v = this.func(idx, args);
    // Allocated with the epoch's first memoised call (the call itself may have made it). A `with`
    // scope has one of its own from the start, so this one is the plan's, for the whole epoch.
    memo = this.fmemo;
    if (changetype<usize>(memo) == 0) {
      memo = new Array<FuncMemo>();
      this.fmemo = memo;
      this.plan.fmemo = memo;
    }
    memo.push(new FuncMemo(idx, args, v));
    return v;
  }

  comprehension(t: Value, f: Frame): Value {
    const kind = int(t, 1);
    const sols = new Array<Frame>();
    // The body binds the comprehension's own slots in the frame it is given: give it a copy, so a
    // second evaluation of the same comprehension in this frame starts unbound.
    this.body(asArr(at(t, 4)).items, 0, copyFrame(f), sols);
    if (kind == 2) {
      const o = newObj();
      for (let i = 0; i < sols.length; i++) {
        const k = this.term(at(t, 2), sols[i]);
        const v = this.term(at(t, 3), sols[i]);
        if (k === null || v === null) continue;
        if (!objPut(o, k, v, false)) throw new Error("eval_conflict_error: object keys must be unique");
      }
      return o;
    }
    const out = new Array<Value>();
    for (let i = 0; i < sols.length; i++) {
      const v = this.term(at(t, 2), sols[i]);
      if (v !== null) out.push(v);
    }
    return kind == 1 ? setFromOwned(out) : new ArrV(out);
  }

  // ---- patterns (unification of a term that may hold unbound variables with a value) -------

  /** match(), with a variable pattern (most: `some x in`, `x := …`) bound without a call. */
  // @ts-ignore: decorator
  @inline bind(p: Value, v: Value, f: Frame): bool {
    if (op(p) != T_VAR) return this.match(p, v, f);
    const slot = int(p, 1);
    const cur = unchecked(f[slot]);
    if (cur === null) { unchecked(f[slot] = v); return true; }
    return equal(cur, v);
  }

  match(p: Value, v: Value, f: Frame): bool {
    const o = op(p);
    if (o == T_VAR) {
      const slot = int(p, 1);
      const cur = unchecked(f[slot]);
      if (cur === null) { unchecked(f[slot] = v); return true; }
      return equal(cur, v);
    }
    if (o == T_ARRAY) {
      if (v.kind != K_ARR) return false;
      const items = asArr(p).items, vs = asArr(v).items;
      if (vs.length != items.length - 1) return false;
      for (let i = 1; i < items.length; i++) if (!this.match(items[i], vs[i - 1], f)) return false;
      return true;
    }
    if (o == T_OBJECT) {
      if (v.kind != K_OBJ) return false;
      const items = asArr(p).items;
      if (asObj(v).keys.length * 2 != items.length - 1) return false;
      for (let i = 1; i + 1 < items.length; i += 2) {
        const k = this.term(items[i], f);
        if (k === null) return false;
        const got = objGet(asObj(v), k);
        if (got === null || !this.match(items[i + 1], got, f)) return false;
      }
      return true;
    }
    const want = this.term(p, f);
    return want !== null && equal(want, v);
  }

  // ---- bodies ------------------------------------------------------------------------------

  /** `limit` > 0 stops after that many solutions (negation and every need only one). */
  body(stmts: Array<Value>, i: i32, f: Frame, out: Array<Frame>, limit: i32 = 0): void {
    // Statements that yield at most one solution continue in this loop; only iteration (SCAN,
    // WITH) recurses, once per solution.
    while (true) {
      if (i == stmts.length) { out.push(f); return; }
      const s = unchecked(stmts[i]);
      const o = op(s);
      if (o == S_SCAN) {
        const c = this.term(at(s, 1), f);
        if (c === null) return;
        const kp = at(s, 2), vp = at(s, 3);
        // Array keys are materialised only when a key pattern asks for them.
        const ks = isNil(kp) ? valuesOf(c) : keysOf(c);
        const vs = valuesOf(c);
        for (let j = 0; j < vs.length; j++) {
          // The frame is this path's own (see single()): the last member can have it.
          const g = j == vs.length - 1 ? f : copyFrame(f);
          if (!isNil(kp) && !this.bind(kp, unchecked(ks[j]), g)) continue;
          if (!isNil(vp) && !this.bind(vp, unchecked(vs[j]), g)) continue;
          this.body(stmts, i + 1, g, out, limit);
          if (limit > 0 && out.length >= limit) return;
        }
        return;
      }
      if (o == S_GATHER) {
        // src/compile/gather.ts: `some k in keys; l := c[k]; is_array(l); some v in l`. The
        // collection is read once the keys are known to be some, as the scans read it per key.
        const keys = this.term(at(s, 2), f);
        if (keys === null) return;
        const ks = valuesOf(keys);
        if (ks.length == 0) return;
        const c = this.term(at(s, 1), f);
        if (c === null) return;
        const kp = at(s, 3), vp = at(s, 4);
        for (let j = 0; j < ks.length; j++) {
          const k = unchecked(ks[j]);
          const l = lookup(c, k);
          if (l === null || l.kind != K_ARR) continue;
          const vs = asArr(l).items;
          for (let m = 0; m < vs.length; m++) {
            const g = copyFrame(f);
            if (!this.bind(kp, k, g) || !this.bind(vp, unchecked(vs[m]), g)) continue;
            this.body(stmts, i + 1, g, out, limit);
            if (limit > 0 && out.length >= limit) return;
          }
        }
        return;
      }
      if (o == S_WITH) {
        const sols = new Array<Frame>();
        this.withScope(s, f, sols);
        for (let j = 0; j < sols.length; j++) {
          this.body(stmts, i + 1, sols[j], out, limit);
          if (limit > 0 && out.length >= limit) return;
        }
        return;
      }
      if (!this.single(s, f)) return;
      i++;
    }
  }

  /**
   * Whether a statement that yields at most one solution (anything but SCAN and WITH) holds,
   * binding `f` in place: every caller that goes on using a frame after body() returns (SCAN and
   * EVERY per member, NOT, WITH, comprehensions, each definition) hands body() a copy.
   */
  single(s: Value, f: Frame): bool {
    switch (op(s)) {
      case S_EXPR: {
        const v = this.term(at(s, 1), f);
        return v !== null && !isFalse(v);
      }
      case S_MATCH: {
        const v = this.term(at(s, 2), f);
        return v !== null && this.bind(at(s, 1), v, f);
      }
      case S_NOT: {
        const inner = at(s, 1);
        // Expressions never bind, so a body of only expressions can run on this frame itself.
        return !this.holds(inner, inner.kind == BODY_EXPRS ? f : copyFrame(f));
      }
      case S_EVERY: {
        const c = this.term(at(s, 1), f);
        if (c === null) return false;
        const kp = at(s, 2), vp = at(s, 3);
        const ks = isNil(kp) ? valuesOf(c) : keysOf(c);
        const vs = valuesOf(c);
        const inner = at(s, 4);
        // One frame for every member, reset from `f` each time: only whether a member's body
        // holds is asked, so nothing keeps the frame once holds() returns.
        const g = copyFrame(f);
        for (let j = 0; j < vs.length; j++) {
          if (j > 0) memory.copy(changetype<usize>(g), changetype<usize>(f), <usize>f.length << alignof<usize>());
          if (!isNil(kp) && !this.bind(kp, unchecked(ks[j]), g)) return false;
          if (!isNil(vp) && !this.bind(vp, unchecked(vs[j]), g)) return false;
          if (!this.holds(inner, g)) return false;
        }
        return true;
      }
    }
    throw new Error("podsec runtime: bad statement opcode " + op(s).toString());
  }

  // ---- rules -------------------------------------------------------------------------------

  solve(def: Value, f: Frame): Array<Frame> {
    const sols = new Array<Frame>();
    this.body(asArr(at(def, 3)).items, 0, f, sols);
    return sols;
  }

  /**
   * Whether a body (its node) has a solution. A linear body (no SCAN or WITH) binds `f` in place
   * and its only solution is `f`: its statements run in a loop of their own. Otherwise no solution
   * list is allocated: body() pushes the first solution into the shared scratch list after every
   * nested evaluation has returned and then stops (limit 1), and nested uses leave the list empty.
   */
  holds(body: Value, f: Frame): bool {
    const stmts = asArr(body).items;
    if (body.kind != BODY_ITERATES) {
      for (let i = 0; i < stmts.length; i++) if (!this.single(unchecked(stmts[i]), f)) return false;
      return true;
    }
    let out = this.scratch;
    if (changetype<usize>(out) == 0) {
      out = new Array<Frame>();
      this.scratch = out;
    }
    out.length = 0;
    this.body(stmts, 0, f, out, 1);
    const ok = out.length != 0;
    out.length = 0;
    return ok;
  }

  /**
   * The value of one definition, following its `else` chain while the body has no solution (null:
   * none). Sets defConflict when the body's solutions give different values; callers read it right
   * after the call, before evaluating anything else. No value list is allocated.
   */
  defValue(def: Value, f: Frame, early: bool): Value | null {
    let d = def;
    while (true) {
      // Only an `else` needs the unbound frame again; callers give each definition its own frame.
      const g = isNil(at(d, 4)) ? f : copyFrame(f);
      const body = at(d, 3);
      // A constant value (early exit) needs one solution only, and none of its bindings.
      if (body.kind != BODY_ITERATES || early) {
        if (this.holds(body, g)) {
          const v = this.term(at(d, 2), g);
          this.defConflict = false;
          return v;
        }
      } else {
        const sols = new Array<Frame>();
        this.body(asArr(body).items, 0, g, sols);
        if (sols.length > 0) {
          let out: Value | null = null;
          let conflict = false;
          for (let i = 0; i < sols.length; i++) {
            const v = this.term(at(d, 2), sols[i]);
            if (v === null) continue;
            if (out === null) out = v;
            else if (!equal(out, v)) conflict = true;
          }
          this.defConflict = conflict;
          return out;
        }
      }
      const next = at(d, 4);
      if (isNil(next)) {
        this.defConflict = false;
        return null;
      }
      d = next;
    }
  }

  rule(idx: i32): Value | null {
    if (unchecked(this.isReplaced[idx]) != 0) return unchecked(this.replaced[idx]);
    const r = unchecked(this.plan.rules[idx]);
    if (unchecked(this.memoStamp[idx]) == this.epoch) {
      if (unchecked(this.memoState[idx]) == 2) return unchecked(this.memo[idx]);
      throw new Error("rego_recursion_error: rule " + ruleName(r) + " is recursive");
    }
    put(this.memoStamp, idx, this.epoch);
    put(this.memoState, idx, 1);
    const kind = int(r, 0);
    const nslots = int(r, 1);
    const defs = asArr(at(r, 2)).items;
    let result: Value | null = null;
    if (kind == R_COMPLETE) {
      // Every definition is evaluated before a conflict is reported, as when values were listed,
      // unless they all have one constant value (early exit: no conflict is possible).
      const early = unchecked(this.plan.earlyExit[idx]);
      let conflict = false;
      // One frame for every definition, cleared before each: nothing keeps a frame once a
      // definition's value is computed (values never point into frames).
      const g = newFrame(nslots);
      for (let i = 0; i < defs.length; i++) {
        if (i > 0) clearFrame(g);
        const v = this.defValue(defs[i], g, early);
        if (this.defConflict) conflict = true;
        if (v === null) continue;
        if (result === null) result = v;
        else if (!equal(result, v)) conflict = true;
        if (early) break;
      }
      if (conflict) {
        throw new Error("eval_conflict_error: rule " + ruleName(r) + " produced conflicting values");
      }
      if (result === null && !isNil(at(r, 3))) { clearFrame(g); result = this.term(at(r, 3), g); }
    } else if (kind == R_SET) {
      const members = new Array<Value>();
      const g = newFrame(nslots);
      for (let i = 0; i < defs.length; i++) {
        const body = at(defs[i], 3);
        if (body.kind != BODY_ITERATES) {
          if (i > 0) clearFrame(g);
          const f = g;
          if (!this.holds(body, f)) continue;
          const k = this.term(at(defs[i], 1), f);
          if (k !== null) members.push(k);
          continue;
        }
        const sols = this.solve(defs[i], newFrame(nslots));
        for (let j = 0; j < sols.length; j++) {
          const k = this.term(at(defs[i], 1), sols[j]);
          if (k !== null) members.push(k);
        }
      }
      result = setFromOwned(members);
    } else {
      const o = newObj();
      for (let i = 0; i < defs.length; i++) {
        const sols = this.solve(defs[i], newFrame(nslots));
        for (let j = 0; j < sols.length; j++) {
          const k = this.term(at(defs[i], 1), sols[j]);
          const v = this.term(at(defs[i], 2), sols[j]);
          if (k === null || v === null) continue;
          if (!objPut(o, k, v, false)) {
            // OPA names the conflicting key as part of the rule path (data.x.p.key).
            const key = k.kind == 3 ? asStr(k).s : "<non-string key>";
            throw new Error("eval_conflict_error: rule " + ruleName(r) + "." + key + " produced conflicting values");
          }
        }
      }
      result = o;
    }
    put(this.memo, idx, result);
    put(this.memoState, idx, 2);
    return result;
  }

  func(idx: i32, args: Array<Value>): Value | null {
    const n = args.length;
    if (n <= 3) {
      const z = changetype<Value>(0);
      return this.call(idx, n, n > 0 ? unchecked(args[0]) : z, n > 1 ? unchecked(args[1]) : z, n > 2 ? unchecked(args[2]) : z);
    }
    return this.callN(idx, args, n, z0(), z0(), z0());
  }

  /** A user function on `n` <= 3 arguments held in a0..a2. */
  call(idx: i32, n: i32, a0: Value, a1: Value, a2: Value): Value | null {
    return this.callN(idx, null, n, a0, a1, a2);
  }

  /** The body of func() and call(): the arguments are `args` when given, else a0..a2. */
  callN(idx: i32, args: Array<Value> | null, nargs: i32, a0: Value, a1: Value, a2: Value): Value | null {
    const inArray = args !== null;
    const r = unchecked(this.plan.rules[idx]);
    const nslots = int(r, 1);
    const defs = asArr(at(r, 2)).items;
    let result: Value | null = null;
    let conflict = false;
    const early = unchecked(this.plan.earlyExit[idx]);
    // One frame for every definition (see rule()), cleared before each one but the first.
    let f = changetype<Frame>(0);
    for (let i = 0; i < defs.length; i++) {
      const pats = asArr(at(defs[i], 0)).items;
      if (pats.length != nargs) continue;
      if (changetype<usize>(f) == 0) f = newFrame(nslots);
      else clearFrame(f);
      const bind = defs[i].kind == DEF_VAR_ARGS;
      let ok = true;
      for (let j = 0; j < nargs && ok; j++) {
        const a = inArray ? unchecked(args![j]) : (j == 0 ? a0 : (j == 1 ? a1 : a2));
        const pat = unchecked(pats[j]);
        if (bind) unchecked(f[int(pat, 1)] = a);
        else ok = this.match(pat, a, f);
      }
      if (!ok) continue;
      const v = this.defValue(defs[i], f, early);
      if (this.defConflict) conflict = true;
      if (v === null) continue;
      if (result === null) result = v;
      else if (!equal(result, v)) conflict = true;
      if (early) break;
    }
    if (conflict) {
      throw new Error("eval_conflict_error: functions must not produce multiple outputs for same inputs (function " + ruleName(r) + ")");
    }
    return result;
  }
}

class FuncMemo {
  constructor(public idx: i32, public args: Array<Value>, public value: Value | null) {}
}

class WithSave {
  fmemo: Array<FuncMemo>;
  input: Value | null;
  data: Value;
  memo: Array<Value | null>;
  memoStamp: Array<i32>;
  memoState: Array<i32>;
  isReplaced: Array<i32>;
  replaced: Array<Value | null>;
  constructor(e: Evaluator) {
    this.fmemo = e.fmemo;
    this.input = e.input; this.data = e.data; this.memo = e.memo; this.memoStamp = e.memoStamp; this.memoState = e.memoState;
    this.isReplaced = e.isReplaced; this.replaced = e.replaced;
  }
  restore(e: Evaluator): void {
    e.fmemo = this.fmemo;
    e.input = this.input; e.data = this.data; e.memo = this.memo; e.memoStamp = this.memoStamp; e.memoState = this.memoState;
    e.isReplaced = this.isReplaced; e.replaced = this.replaced;
  }
}

/** A copy of `doc` with `path[from..]` set to `v`; non-objects on the way become objects, as in OPA. */
function upsert(doc: Value | null, path: Array<Value>, from: i32, v: Value): Value | null {
  if (from == path.length) return v;
  const o = newObj();
  if (doc !== null && doc.kind == K_OBJ) {
    const src = asObj(doc);
    // Raw members (json.ts lazy mode) are copied raw: every read of them parses them (objVal).
    for (let i = 0; i < src.keys.length; i++) { o.keys.push(src.keys[i]); o.vals.push(src.vals[i]); }
  }
  const cur = doc !== null && doc.kind == K_OBJ ? objGet(asObj(doc), path[from]) : null;
  objPut(o, path[from], upsert(cur, path, from + 1, v)!, true);
  return o;
}

function lookupPath(v: Value, path: Array<Value>): Value | null {
  let cur: Value | null = v;
  for (let i = 0; i < path.length && cur !== null; i++) cur = lookup(cur!, path[i]);
  return cur;
}

function ruleName(r: Value): string { return asStr(at(r, 4)).s; }

/**
 * The frame of every body without variables (`applies`, `<rule>_when`, constants): it has no slot
 * to bind, so one frame serves them all. Built by initFrames() from the start function after the
 * plan area is reserved (see assembly/index.ts), below every heap reset.
 */
let NO_SLOTS: Frame = changetype<Frame>(0);
export function initFrames(): void { NO_SLOTS = new StaticArray<Value | null>(0); }

/**
 * The members of every array at one of `keys` (iterated as SCAN iterates a collection) in `c`, in
 * the order of the keys: `[x | some k in keys; l := c[k]; is_array(l); some x in l]`.
 */
function gather(c: Value, keys: Value): Value {
  const ks = valuesOf(keys);
  let out: Array<Value> | null = null;
  for (let i = 0; i < ks.length; i++) {
    const l = lookup(c, unchecked(ks[i]));
    if (l === null || l.kind != K_ARR) continue;
    const items = asArr(l).items;
    if (out === null) { out = items.slice(0); continue; }
    for (let j = 0; j < items.length; j++) out.push(unchecked(items[j]));
  }
  return new ArrV(out === null ? new Array<Value>() : out);
}

/** concat(sep, values): their strings joined by `sep`, or null (undefined) when one is not a string. */
function joinStrings(sep: Value, values: Array<Value>): Value | null {
  if (sep.kind != K_STR) return null;
  const n = values.length;
  const s = asStr(sep).s;
  let units = n > 1 ? s.length * (n - 1) : 0;
  for (let i = 0; i < n; i++) {
    const v = unchecked(values[i]);
    if (v.kind != K_STR) return null;
    units += asStr(v).s.length;
  }
  const out = changetype<string>(__new(<usize>units << 1, idof<string>()));
  let at = changetype<usize>(out);
  for (let i = 0; i < n; i++) {
    if (i > 0 && s.length > 0) {
      memory.copy(at, changetype<usize>(s), <usize>s.length << 1);
      at += <usize>s.length << 1;
    }
    const part = asStr(unchecked(values[i])).s;
    memory.copy(at, changetype<usize>(part), <usize>part.length << 1);
    at += <usize>part.length << 1;
  }
  return mkStr(out);
}

/** gather() of the object `{k: v}`: v's members once for every key equal to `k`, when v is an array. */
function gatherOne(k: Value, v: Value, keys: Value): Value {
  const out = new Array<Value>();
  if (v.kind != K_ARR) return new ArrV(out);
  const ks = valuesOf(keys);
  const items = asArr(v).items;
  for (let i = 0; i < ks.length; i++) {
    if (!equal(unchecked(ks[i]), k)) continue;
    for (let j = 0; j < items.length; j++) out.push(unchecked(items[j]));
  }
  return new ArrV(out);
}

// Frames are made and copied everywhere a body binds: inlined, they are compiled with the hot
// code that uses them rather than waiting, as small functions of their own, for V8's tier-up.
// @ts-ignore: decorator
@inline function newFrame(n: i32): Frame {
  if (n == 0) return NO_SLOTS;
  const bytes = <usize>n << alignof<usize>();
  const f = changetype<Frame>(__new(bytes, idof<Frame>()));
  memory.fill(changetype<usize>(f), 0, bytes); // every slot null
  return f;
}

function z0(): Value { return changetype<Value>(0); }

/** Every slot of `f` unbound again. */
function clearFrame(f: Frame): void {
  memory.fill(changetype<usize>(f), 0, <usize>f.length << alignof<usize>());
}

/** A copy of `f`, for a path of evaluation that binds slots of its own (one allocation, not zeroed first). */
// @ts-ignore: decorator
@inline function copyFrame(f: Frame): Frame {
  const bytes = <usize>f.length << alignof<usize>();
  const g = changetype<Frame>(__new(bytes, idof<Frame>()));
  memory.copy(changetype<usize>(g), changetype<usize>(f), bytes);
  return g;
}

