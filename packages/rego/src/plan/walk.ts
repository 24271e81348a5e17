// The passes over a finished plan (compile/inline.ts, compile/share.ts) differ only in what they
// do to one term; the walk over definitions, statements and terms is this one.
import { S, T, type PlanNode } from './opcodes.js';

export type Node = unknown[];

export const isNode = (x: unknown): x is Node => Array.isArray(x);

/** A variable term (of slot `slot`, when given). */
export const isVar = (x: unknown, slot?: number): x is Node => isNode(x) && x[0] === T.VAR && (slot === undefined || x[1] === slot);

/** How many times variable `slot` occurs anywhere in a plan node. */
export const varUses = (x: unknown, slot: number): number => (isVar(x, slot) ? 1 : isNode(x) ? x.reduce((n: number, y) => n + varUses(y, slot), 0) : 0);

/** A constant term holding exactly `value` (a scalar). */
export const isConstant = (x: unknown, value: string | number | boolean | null): boolean => isNode(x) && x[0] === T.CONST && x[1] === value;

/**
 * Constants and rule values, and literals of constants: what the runtime's memo of calls with
 * pure arguments takes (assembly/eval.ts, VM_FUNC_PURE_ARGS). The inlining passes leave such calls
 * as they are: when they repeat, the memo is cheaper than evaluating the inlined body again.
 */
export function frameFree(t: unknown): boolean {
  if (!isNode(t)) return false;
  if (t[0] === T.CONST || t[0] === T.RULE) return true;
  if (t[0] === T.ARRAY || t[0] === T.SET || t[0] === T.OBJECT) return t.slice(1).every((x) => isNode(x) && x[0] === T.CONST);
  return false;
}

export interface RuleVisitor {
  /** Each term once its sub-terms are rewritten; returns what replaces it. */
  term(t: Node): unknown;
  /** Each statement as found, before its terms are rewritten. */
  statement?(s: Node): void;
  /** Each statement once rewritten: the statements that replace it, or undefined to keep it. */
  expand?(s: Node): Node[] | undefined;
  /** Each statement list once its statements are rewritten: what replaces it. */
  list?(stmts: Node[]): Node[];
}

/**
 * Whether a plan node calls one of the user functions `indexes` (a T.FUNC term anywhere below it),
 * or with `op` T.CALL one of those native built-ins: the passes copy only the rules that do, which
 * at a thousand policies is most of their cost.
 */
export function callsAny(node: unknown, indexes: ReadonlySet<number> | ReadonlyMap<number, unknown>, op: number = T.FUNC): boolean {
  if (!isNode(node)) return false;
  if (node[0] === op && indexes.has(node[1] as number)) return true;
  for (const x of node) if (callsAny(x, indexes, op)) return true;
  return false;
}

/** A copy of one entry of the plan's rule table with every term rewritten by `visitor`. */
export function mapRule(rule: unknown, visitor: RuleVisitor): unknown {
  if (!isNode(rule)) return rule;
  const { term, stmts } = walker(visitor);
  const def = (d: unknown): unknown => {
    if (!isNode(d)) return d;
    const [args, key, value, body, orElse] = d as [Node[], unknown, unknown, Node[], unknown];
    return [args.map(term), term(key), term(value), stmts(body), def(orElse)];
  };
  const [kind, slots, defs, dflt, ...rest] = rule as [number, number, unknown[], unknown, ...unknown[]];
  return [kind, slots, defs.map(def) as PlanNode, term(dflt), ...rest];
}

/** A copy of a statement list with every term rewritten by `visitor`. */
export function mapStatements(list: Node[], visitor: RuleVisitor): Node[] {
  return walker(visitor).stmts(list);
}

function walker(visitor: RuleVisitor): { term: (t: unknown) => unknown; stmts: (list: Node[]) => Node[] } {
  const term = (t: unknown): unknown => {
    if (!isNode(t)) return t;
    switch (t[0]) {
      case T.FUNC:
      case T.CALL:
      case T.HOST:
        return visitor.term([t[0], t[1], ...t.slice(2).map(term)]);
      case T.REF:
      case T.REFOR:
      case T.DEFAULTED:
      case T.GATHER:
      case T.CHECKED:
      case T.ARRAY:
      case T.SET:
      case T.OBJECT:
        return visitor.term([t[0], ...t.slice(1).map(term)]);
      case T.COMPR:
        return visitor.term([T.COMPR, t[1], term(t[2]), term(t[3]), stmts(t[4] as Node[])]);
      default:
        return visitor.term(t);
    }
  };
  const stmt = (s: Node): Node => {
    visitor.statement?.(s);
    switch (s[0]) {
      case S.EXPR:
        return [S.EXPR, term(s[1])];
      case S.MATCH:
        return [S.MATCH, term(s[1]), term(s[2])];
      case S.SCAN:
        return [S.SCAN, term(s[1]), term(s[2]), term(s[3])];
      case S.GATHER:
        return [S.GATHER, term(s[1]), term(s[2]), term(s[3]), term(s[4])];
      case S.NOT:
        return [S.NOT, stmts(s[1] as Node[])];
      case S.EVERY:
        return [S.EVERY, term(s[1]), term(s[2]), term(s[3]), stmts(s[4] as Node[])];
      case S.WITH:
        return [S.WITH, s[1], (s[2] as Node[]).map(term), stmts(s[3] as Node[])];
      default:
        return s;
    }
  };
  const stmts = (list: Node[]): Node[] => {
    const mapped = list.flatMap((s) => {
      const one = stmt(s);
      return visitor.expand?.(one) ?? [one];
    });
    return visitor.list ? visitor.list(mapped) : mapped;
  };
  return { term, stmts };
}
