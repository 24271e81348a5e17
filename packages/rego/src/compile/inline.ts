// Calls of reader functions become one REFOR term. A reader is a function of one argument whose
// only definition reads a constant path below it, with a constant `else` for when the path is
// undefined: `f(c) := v if { v := c.a.b } else := null`, the shape of every field reader podsec
// emits, called per container and field. The call then costs a few lookups instead of an argument
// list, a frame, a body and an else chain, with the same meaning: undefined when the argument is,
// the value at the path when it is defined, else the constant.
import { RULE_KIND, S, T } from '../plan/opcodes.js';
import { isNode, mapRule, type Node } from '../plan/walk.js';
const isVar = (x: unknown, slot?: number): boolean => isNode(x) && x[0] === T.VAR && (slot === undefined || x[1] === slot);
const isConstKey = (x: unknown): boolean => isNode(x) && x[0] === T.CONST && (typeof x[1] === 'string' || typeof x[1] === 'number');

/** The path and fallback of a reader function's plan entry, or undefined when it is not one. */
export function readerShape(rule: unknown): { path: Node[]; fallback: Node } | undefined {
  if (!isNode(rule) || rule[0] !== RULE_KIND.function || rule[3] !== null) return undefined;
  const defs = rule[2] as Node[];
  if (defs.length !== 1) return undefined;
  const [args, key, value, stmts, orElse] = defs[0] as [Node[], unknown, Node, Node[], Node | null];
  if (args.length !== 1 || !isVar(args[0]) || key !== null || !isVar(value) || stmts.length !== 1) return undefined;
  const argSlot = args[0]![1] as number;
  const valueSlot = value[1] as number;
  const [op, pattern, read] = stmts[0] as [number, Node, Node];
  if (op !== S.MATCH || valueSlot === argSlot || !isVar(pattern, valueSlot)) return undefined;
  if (!isNode(read) || read[0] !== T.REF || !isVar(read[1], argSlot) || read.length < 3 || !read.slice(2).every(isConstKey)) return undefined;
  if (!isNode(orElse)) return undefined;
  const [, elseKey, elseValue, elseStmts, elseNext] = orElse as [Node[], unknown, Node, Node[], unknown];
  if (elseKey !== null || !isNode(elseValue) || elseValue[0] !== T.CONST || elseStmts.length !== 0 || elseNext !== null) return undefined;
  return { path: read.slice(2) as Node[], fallback: elseValue };
}

/** Rewrites, in place, every call of a reader in `rules` (the plan's rule table) to a REFOR term. */
export function inlineReaders(rules: unknown[]): void {
  const readers = new Map<number, { path: Node[]; fallback: Node }>();
  rules.forEach((r, i) => {
    const shape = readerShape(r);
    if (shape) readers.set(i, shape);
  });
  if (readers.size === 0) return;
  const term = (t: Node): unknown => {
    const reader = t[0] === T.FUNC && t.length === 3 ? readers.get(t[1] as number) : undefined;
    return reader ? [T.REFOR, t[2], reader.fallback, ...reader.path] : t;
  };
  rules.forEach((r, i) => (rules[i] = mapRule(r, { term })));
}
