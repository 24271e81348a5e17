// OPA evaluates some sub-terms of a negated expression *before* the negation, because its
// compiler hoists them into assignments in the enclosing body (ast/compile.go: the
// RewriteExprTerms stage extracts nested calls; RewriteDynamicTerms extracts refs and
// comprehensions used as call arguments, inside ref keys, and inside composite arguments;
// `==` counts as unification there, so its operands stay in place). Neither stage looks at
// `not`, so `not f(input.missing)` is undefined while `not input.missing == 1` is true
// (open-policy-agent/opa#1877, #4743, #7558). This module performs the same hoisting on the AST.
import type { Literal, Term } from '../syntax/ast.js';

export interface Hoisted {
  /** Assignments to run in the enclosing body, in order. */
  extras: { name: string; term: Term }[];
  lit: Literal;
}

/**
 * `isGlobal` tells which bare names OPA would have resolved to refs (rules, imports, input, data):
 * those are hoisted like any other ref.
 */
export function hoistNegated(lit: Literal, freshName: () => string, isGlobal: (name: string) => boolean): Hoisted {
  const extras: Hoisted['extras'] = [];
  const temp = (term: Term): Term => {
    const name = freshName();
    extras.push({ name, term });
    return { type: 'var', name, pos: term.pos };
  };

  /** RewriteExprTerms: every call nested inside the expression's operands becomes a temporary. */
  const expand = (t: Term): Term => {
    switch (t.type) {
      case 'call':
        return temp({ ...t, args: t.args.map(expand) });
      case 'ref':
        return { ...t, head: t.head.type === 'call' ? temp({ ...t.head, args: t.head.args.map(expand) }) : expand(t.head), path: t.path.map(expand) };
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(expand) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [expand(k), expand(v)] as [Term, Term]) };
      default:
        return t;
    }
  };

  /** RewriteDynamicTerms, for one operand of a call: refs and comprehensions are evaluated first. */
  const one = (t: Term): Term => {
    switch (t.type) {
      case 'var':
        return isGlobal(t.name) ? temp(t) : t;
      case 'ref':
        return temp({ ...t, path: t.path.map(one) });
      case 'arraycompr':
      case 'setcompr':
      case 'objectcompr':
        return temp(t);
      case 'array':
      case 'set':
        return { ...t, items: t.items.map(one) };
      case 'object':
        return { ...t, entries: t.entries.map(([k, v]) => [one(k), one(v)] as [Term, Term]) };
      default:
        return t;
    }
  };

  /** ... and for a side of a unification (or a bare term): a ref stays, its keys are hoisted. */
  const inTerm = (t: Term): Term => {
    if (t.type === 'ref') return { ...t, path: t.path.map(one) };
    // A bare rule name or `input` is a ref in OPA's AST, so it stays; comprehensions stay too.
    if (t.type === 'var' || t.type.endsWith('compr')) return t;
    return one(t);
  };

  const topCall = (t: Extract<Term, { type: 'call' }>): Term => {
    const args = t.args.map(expand);
    if (t.name.length === 1 && t.name[0] === 'equal' && args.length === 2) return { ...t, args: args.map(inTerm) };
    return { ...t, args: args.map(one) };
  };

  let out: Literal = lit;
  if (lit.type === 'expr') {
    out = { ...lit, term: lit.term.type === 'call' ? topCall(lit.term) : inTerm(expand(lit.term)) };
  } else if (lit.type === 'unify') {
    out = { ...lit, left: inTerm(expand(lit.left)), right: inTerm(expand(lit.right)) };
  }
  return { extras, lit: out };
}
