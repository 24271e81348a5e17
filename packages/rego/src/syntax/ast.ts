import type { Pos } from './errors.js';

export type Scalar = string | number | boolean | null;

export type Term =
  | { type: 'scalar'; value: Scalar; pos: Pos }
  | { type: 'var'; name: string; pos: Pos }
  /** `head.a[b]...`; dotted keys are string scalars. */
  | { type: 'ref'; head: Term; path: Term[]; pos: Pos }
  /** Operators are calls too (`plus`, `equal`, `internal.member_2`, ...), as in OPA's AST; they never resolve to user functions. */
  | { type: 'call'; name: string[]; args: Term[]; pos: Pos; operator?: true }
  | { type: 'array'; items: Term[]; pos: Pos }
  | { type: 'set'; items: Term[]; pos: Pos }
  | { type: 'object'; entries: [Term, Term][]; pos: Pos }
  | { type: 'arraycompr' | 'setcompr'; head: Term; body: Literal[]; pos: Pos }
  | { type: 'objectcompr'; key: Term; value: Term; body: Literal[]; pos: Pos };

export type Literal =
  | { type: 'expr'; term: Term; pos: Pos }
  | { type: 'assign'; left: Term; right: Term; pos: Pos }
  | { type: 'unify'; left: Term; right: Term; pos: Pos }
  | { type: 'not'; lit: Literal; pos: Pos }
  | { type: 'some'; names: Term[]; pos: Pos }
  | { type: 'somein'; key: Term | null; value: Term; coll: Term; pos: Pos }
  | { type: 'every'; key: Term | null; value: Term; coll: Term; body: Literal[]; pos: Pos }
  /** `lit with input.x as v with data.y as w`: the modifiers apply, in order, while `lit` runs. */
  | { type: 'with'; lit: Literal; mods: WithModifier[]; pos: Pos };

export interface WithModifier {
  target: Term;
  value: Term;
  pos: Pos;
}

export interface RuleHead {
  name: string;
  args: Term[] | null;
  key: Term | null;
  value: Term | null;
  /** `contains` or v0 `p[x]` without a value. */
  partialSet: boolean;
  pos: Pos;
}

export interface ElseClause {
  value: Term | null;
  body: Literal[];
  pos: Pos;
}

export interface Rule {
  isDefault: boolean;
  head: RuleHead;
  body: Literal[];
  elses: ElseClause[];
  pos: Pos;
}

export interface Import {
  path: string[];
  alias: string | null;
  pos: Pos;
}

export interface Module {
  file: string;
  pkg: string[];
  pkgPos: Pos;
  imports: Import[];
  rules: Rule[];
}
