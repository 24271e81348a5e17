// Calls of reader functions become one term. A reader is a function of one argument whose
// only definition reads a constant path below it, with a constant `else` for when the path is
// undefined: `f(c) := v if { v := c.a.b } else := null`, the shape of every field reader podsec
// emits, called per container and field. The call then costs a few lookups instead of an argument
// list, a frame, a body and an else chain, with the same meaning: undefined when the argument is,
// the value at the path when it is defined, else the constant.
//
// Calls of fallback readers then become one DEFAULTED term: a function of one argument that reads
// a path below it and falls back to a constant or a rule when the value there is null or
// undefined: `f(c) := v if { v := c.a.b; v != null } else := pod_value`, the shape of every
// "the container's own value, else the Pod's" podsec emits. A fallback reader whose test is a type
// (`is_string(v)`, any of the is_* built-ins) instead of `v != null` becomes a CHECKED term:
// `container_name(c)`, called for every container a policy reports. Only calls on a variable are
// rewritten: a variable the plan reads is bound, so the read is never undefined for want of its
// argument (the one case where the call is undefined but the fallback is not).
import { RULE_KIND, S, T } from '../plan/opcodes.js';
import { callsAny, isConstant, isNode, isVar, mapRule, type Node } from '../plan/walk.js';
const isConstKey = (x: unknown): boolean => isNode(x) && x[0] === T.CONST && (typeof x[1] === 'string' || typeof x[1] === 'number');

/**
 * The one definition of a function of one variable argument whose value is another variable (no
 * key, no default): the head both reader shapes share. Undefined for any other plan entry.
 */
function oneVariableDefinition(rule: unknown): { argSlot: number; valueSlot: number; stmts: Node[]; orElse: Node | null } | undefined {
  if (!isNode(rule) || rule[0] !== RULE_KIND.function || rule[3] !== null) return undefined;
  const defs = rule[2] as Node[];
  if (defs.length !== 1) return undefined;
  const [args, key, value, stmts, orElse] = defs[0] as [Node[], unknown, Node, Node[], Node | null];
  if (args.length !== 1 || !isVar(args[0]) || key !== null || !isVar(value)) return undefined;
  const argSlot = args[0]![1] as number;
  const valueSlot = value[1] as number;
  return valueSlot === argSlot ? undefined : { argSlot, valueSlot, stmts, orElse };
}

/** The path and fallback of a reader function's plan entry, or undefined when it is not one. */
export function readerShape(rule: unknown): { path: Node[]; fallback: Node } | undefined {
  const def = oneVariableDefinition(rule);
  if (def?.stmts.length !== 1) return undefined;
  const { argSlot, valueSlot, stmts, orElse } = def;
  const [op, pattern, read] = stmts[0] as [number, Node, Node];
  if (op !== S.MATCH || !isVar(pattern, valueSlot)) return undefined;
  if (!isNode(read) || read[0] !== T.REF || !isVar(read[1], argSlot) || read.length < 3 || !read.slice(2).every(isConstKey)) return undefined;
  if (!isNode(orElse)) return undefined;
  const [, elseKey, elseValue, elseStmts, elseNext] = orElse as [Node[], unknown, Node, Node[], unknown];
  if (elseKey !== null || !isNode(elseValue) || elseValue[0] !== T.CONST || elseStmts.length !== 0 || elseNext !== null) return undefined;
  return { path: read.slice(2) as Node[], fallback: elseValue };
}

const isConstOrRule = (x: unknown): boolean => isNode(x) && (x[0] === T.CONST || x[0] === T.RULE);

/** The type tests a checked reader may make: each holds or not for any value, never undefined. */
const TYPE_TESTS: readonly string[] = ['is_string', 'is_number', 'is_boolean', 'is_array', 'is_object', 'is_set', 'is_null'];

export interface FallbackShape {
  read: Node;
  fallback: Node;
  /** The index in the native table of the type test the value must pass; undefined: `!= null`. */
  test?: number;
}

/**
 * The read, fallback and test of a fallback reader's plan entry (after readers are inlined), or
 * undefined when it is not one. `natives` is the plan's native built-in table.
 */
export function fallbackShape(rule: unknown, natives: readonly string[]): FallbackShape | undefined {
  const def = oneVariableDefinition(rule);
  if (def?.stmts.length !== 2) return undefined;
  const { argSlot, valueSlot, stmts, orElse } = def;
  const [bind, test] = stmts as [Node, Node];
  const [bindOp, pattern, read] = bind as [number, Node, Node];
  if (bindOp !== S.MATCH || !isVar(pattern, valueSlot)) return undefined;
  // The read: a path below the argument, with or without a constant for an undefined path.
  if (!isNode(read) || (read[0] !== T.REF && read[0] !== T.REFOR) || !isVar(read[1], argSlot)) return undefined;
  if (read[0] === T.REF ? read.length < 3 || !read.slice(2).every(isConstKey) : !read.slice(3).every(isConstKey)) return undefined;
  const [testOp, call] = test as [number, Node];
  if (testOp !== S.EXPR || !isNode(call) || call[0] !== T.CALL) return undefined;
  const native = natives[call[1] as number];
  let typeTest: number | undefined;
  if (native === 'neq' && call.length === 4) {
    const [a, b] = [call[2], call[3]];
    if (!((isVar(a, valueSlot) && isConstant(b, null)) || (isConstant(a, null) && isVar(b, valueSlot)))) return undefined;
  } else if (native !== undefined && TYPE_TESTS.includes(native) && call.length === 3 && isVar(call[2], valueSlot)) {
    typeTest = call[1] as number;
  } else {
    return undefined;
  }
  if (!isNode(orElse)) return undefined;
  const [elseArgs, elseKey, elseValue, elseStmts, elseNext] = orElse as [Node[], unknown, Node, Node[], unknown];
  if (elseArgs.length !== 1 || !isVar(elseArgs[0], argSlot) || elseKey !== null || !isConstOrRule(elseValue) || elseStmts.length !== 0 || elseNext !== null)
    return undefined;
  return typeTest === undefined ? { read, fallback: elseValue } : { read, fallback: elseValue, test: typeTest };
}

/**
 * Rewrites, in place, every call of a reader in `rules` (the plan's rule table) to a REFOR term,
 * then every call of a fallback reader on a variable to a DEFAULTED or CHECKED term. `natives` is
 * the plan's native built-in table.
 */
export function inlineReaders(rules: unknown[], natives: readonly string[] = []): void {
  inlinePlainReaders(rules);
  const fallbacks = new Map<number, FallbackShape>();
  rules.forEach((r, i) => {
    const shape = fallbackShape(r, natives);
    if (shape) fallbacks.set(i, shape);
  });
  if (fallbacks.size === 0) return;
  const term = (t: Node): unknown => {
    const f = t[0] === T.FUNC && t.length === 3 && isVar(t[2]) ? fallbacks.get(t[1] as number) : undefined;
    if (!f) return t;
    // The read's base is the argument: the call's variable takes its place.
    const read = [f.read[0], t[2], ...f.read.slice(2)];
    return f.test === undefined ? [T.DEFAULTED, read, f.fallback] : [T.CHECKED, read, f.fallback, [T.CONST, f.test]];
  };
  rewriteCallers(rules, fallbacks, term);
}

function inlinePlainReaders(rules: unknown[]): void {
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
  rewriteCallers(rules, readers, term);
}

/** Rewrites, in place, the terms of every rule that calls one of `callees` (the others are not copied). */
function rewriteCallers(rules: unknown[], callees: ReadonlyMap<number, unknown>, term: (t: Node) => unknown): void {
  rules.forEach((r, i) => {
    if (callsAny(r, callees)) rules[i] = mapRule(r, { term });
  });
}
