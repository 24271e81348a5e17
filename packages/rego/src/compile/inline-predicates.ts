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
import { callsAny, frameFree, isConstant, isNode, isVar, mapRule, mapStatements, type Node } from '../plan/walk.js';

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

const iterates = (stmts: Node[]): boolean => stmts.some((s) => s[0] === S.SCAN || s[0] === S.WITH);

/** A copy of a statement list with every variable slot renamed by `slot`. */
const renamed = (stmts: Node[], slot: (n: number) => number): Node[] =>
  mapStatements(stmts, { term: (t) => (t[0] === T.VAR ? [T.VAR, slot(t[1] as number)] : t) });

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
      if (bodies.length === 1 && !iterates(bodies[0]!)) return [...pre, ...bodies[0]!];
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
