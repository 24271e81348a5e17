// Calls of predicate functions, written as a statement (`f(x)`, `not f(x)`), are replaced by the
// function's body. A predicate is a function whose every definition has the value `true` and no
// `else`, with distinct variables as arguments: `f(v) if { v != null; v == true }`, the shape of
// every value test podsec emits, called per container and field. The call then costs its body's
// statements instead of an argument list, a frame, and a definition loop.
//
// The body runs in the caller's frame, in slots added for it (the caller's frame grows), so it
// binds nothing the caller can see. One linear definition (no iteration) is spliced in as it is:
// it yields at most the one solution the call did. Several definitions, or one that iterates,
// become `not { not d1; not d2; … }`: it holds when one definition holds, stops at the first that
// does (the early exit the runtime applies to constant-valued functions), and yields one solution.
// Arguments are matched first, so an undefined argument fails the statement, as it failed the call.
// Calls whose arguments are all constants or rule values are kept: the runtime memoises those per
// input (assembly/eval.ts, VM_FUNC_PURE_ARGS), which is cheaper than inlining when they repeat.
import { RULE_KIND, S, T } from '../plan/opcodes.js';
import { callsAny, frameFree, isConstant, isNode, isVar, mapRule, mapStatements, type Node, varUses } from '../plan/walk.js';

interface Predicate {
  /** Argument slots of each definition, in argument order. */
  defs: { args: number[] }[];
}

/** The definitions of a predicate function's plan entry, or undefined when it is not one. */
function predicateShape(rule: unknown): Predicate | undefined {
  if (!isNode(rule) || rule[0] !== RULE_KIND.function || rule[3] !== null) return undefined;
  const defs: Predicate['defs'] = [];
  for (const d of rule[2] as Node[]) {
    const [args, key, value, , orElse] = d as [Node[], unknown, unknown, Node[], unknown];
    if (key !== null || !isConstant(value, true) || orElse !== null || !args.every((a) => isVar(a))) return undefined;
    const slots = args.map((a) => a[1] as number);
    if (new Set(slots).size !== slots.length) return undefined;
    defs.push({ args: slots });
  }
  const arity = defs[0]?.args.length;
  if (arity === undefined || defs.some((d) => d.args.length !== arity)) return undefined;
  return { defs };
}

const iterates = (stmts: Node[]): boolean => stmts.some((s) => s[0] === S.SCAN || s[0] === S.WITH || s[0] === S.GATHER);

/** A copy of a statement list with every variable slot renamed by `slot`. */
const renamed = (stmts: Node[], slot: (n: number) => number): Node[] =>
  mapStatements(stmts, { term: (t) => (t[0] === T.VAR ? [T.VAR, slot(t[1] as number)] : t) });

/**
 * A linear body spliced in after the matches of its arguments. An argument that cannot be undefined
 * (variables, constants and literals of them) and is read once, by a statement of the body itself,
 * is put where it is read instead of matched into its slot first: evaluated once either way, and
 * `containers({kind: [c]}, kinds)` (podsec's per-container check) then reads the literal object
 * (compile/gather.ts, assembly/eval.ts) without building it.
 */
function spliced(pre: Node[], body: Node[]): Node[] {
  const kept: Node[] = [];
  let out = body;
  for (const m of pre) {
    const [, pattern, arg] = m as [number, Node, Node];
    const put = total(arg) ? putOnce(out, pattern[1] as number, arg) : undefined;
    if (put) out = put;
    else kept.push(m);
  }
  return [...kept, ...out];
}

/** A term that is never undefined where the plan evaluates it (a variable it reads is bound). */
function total(t: unknown): boolean {
  if (!isNode(t)) return false;
  if (t[0] === T.VAR || t[0] === T.CONST) return true;
  if (t[0] === T.ARRAY || t[0] === T.SET || t[0] === T.OBJECT) return t.slice(1).every(total);
  return false;
}

/** Where a statement's term is evaluated once per evaluation of the statement (not a pattern, not a nested body). */
const TERM_AT: Partial<Record<number, number>> = { [S.EXPR]: 1, [S.MATCH]: 2, [S.EVERY]: 1 };

/**
 * `stmts` with the one read of variable `slot` replaced by `term`, when that read is in a term a
 * statement of `stmts` evaluates (outside comprehensions, whose bodies iterate); else undefined.
 */
function putOnce(stmts: Node[], slot: number, term: Node): Node[] | undefined {
  if (varUses(stmts, slot) !== 1) return undefined;
  let replaced = false;
  const put = (t: unknown): unknown => {
    if (isVar(t, slot)) {
      replaced = true;
      return term;
    }
    if (!isNode(t) || t[0] === T.COMPR) return t;
    return t.map((x, i) => (i === 0 ? x : put(x)));
  };
  const out = stmts.map((s) => {
    const at = TERM_AT[s[0] as number];
    if (at === undefined || varUses(s[at], slot) === 0) return s;
    const copy = [...s];
    copy[at] = put(s[at]);
    return copy;
  });
  return replaced ? out : undefined;
}

/**
 * Rewrites, in place, every statement call of a predicate in `rules` (the plan's rule table) to the
 * predicate's body, growing each caller's frame by the slots the bodies use.
 */
export function inlinePredicates(rules: unknown[]): void {
  const predicates = new Map<number, Predicate>();
  rules.forEach((r, i) => {
    const shape = predicateShape(r);
    if (shape) predicates.set(i, shape);
  });
  if (predicates.size === 0) return;
  // Each predicate's own calls are inlined first, so a chain of predicates flattens in one pass.
  // Recursion is refused before this pass (checkRecursion), so the order always exists.
  const done = new Map<number, Node>();
  const rewrite = (i: number): Node => {
    const known = done.get(i);
    if (known) return known;
    const rule = rules[i] as Node;
    if (!callsAny(rule, predicates)) {
      done.set(i, rule);
      return rule;
    }
    let next = rule[1] as number;
    const fresh = () => next++;
    const expand = (s: Node): Node[] | undefined => {
      const call = s[0] === S.EXPR ? (s[1] as Node) : undefined;
      if (!call || call[0] !== T.FUNC || !predicates.has(call[1] as number)) return undefined;
      const args = call.slice(2) as Node[];
      if (args.length > 0 && args.every(frameFree)) return undefined;
      const callee = call[1] as number;
      const calleeDefs = rewrite(callee)[2] as Node[];
      // A variable argument is the caller's slot itself (bound: the plan reads only bound
      // variables); any other argument is matched into a slot of its own, once for every definition.
      const pre: Node[] = [];
      const argSlots = args.map((a) => {
        if (isVar(a)) return a[1] as number;
        const slot = fresh();
        pre.push([S.MATCH, [T.VAR, slot], a]);
        return slot;
      });
      const bodies = predicates.get(callee)!.defs.map((d, k) => {
        const map = new Map<number, number>(d.args.map((slot, j) => [slot, argSlots[j]!]));
        return renamed((calleeDefs[k] as Node)[3] as Node[], (n) => {
          let m = map.get(n);
          if (m === undefined) map.set(n, (m = fresh()));
          return m;
        });
      });
      if (bodies.length === 1 && !iterates(bodies[0]!)) return spliced(pre, bodies[0]!);
      return [...pre, [S.NOT, bodies.map((b) => [S.NOT, b])]];
    };
    const out = mapRule(rule, { term: (t) => t, expand }) as Node;
    out[1] = next;
    done.set(i, out);
    return out;
  };
  // rewrite() leaves a rule that calls no predicate as it is.
  rules.forEach((r, i) => {
    if (isNode(r)) rules[i] = rewrite(i);
  });
}
