// Lowers rule bodies to plan statements. Expressions are scheduled in the order OPA's safety
// check would accept (a literal runs once every variable it reads is bound), refs with unbound
// variable keys become explicit SCAN statements, and `=` is oriented so that the side holding
// unbound variables is matched against the value of the other side.
import type { Literal, Module, Term, WithModifier } from '../syntax/ast.js';
import { RegoCompileError, unsupported, type Pos } from '../syntax/errors.js';
import { S, T, WITH_TARGET, type PlanNode } from '../plan/opcodes.js';
import { BUILTINS, EMPTY_SET_CALL } from './builtins.js';
import { hoistNegated } from './negation.js';
import { groupForPath, isPackagePrefix, staticStrings, type Program, type RuleGroup } from './program.js';

/** A variable read before anything binds it; the scheduler retries the literal later. */
class UnsafeVar extends Error {
  constructor(
    readonly varName: string,
    readonly pos: Pos,
  ) {
    super(`var ${varName} is unsafe`);
  }
}

export class Scope {
  private readonly names = new Map<string, number>();
  constructor(readonly parent: Scope | null) {}
  declare(name: string, slot: number): void {
    this.names.set(name, slot);
  }
  own(name: string): number | undefined {
    return this.names.get(name);
  }
  lookup(name: string): { slot: number; outer: boolean } | undefined {
    for (let s: Scope | null = this, outer = false; s; s = s.parent, outer = true) {
      const slot = s.names.get(name);
      if (slot !== undefined) return { slot, outer };
    }
    return undefined;
  }
}

type Bound = Set<number>;

/** Host built-ins used by the plan, in first-use order: their index is the id `builtins()` reports. */
export class HostTable {
  readonly names: string[] = [];
  readonly natives: string[] = [];
  host(name: string): number {
    let i = this.names.indexOf(name);
    if (i < 0) i = this.names.push(name) - 1;
    return i;
  }
  native(name: string): number {
    let i = this.natives.indexOf(name);
    if (i < 0) i = this.natives.push(name) - 1;
    return i;
  }
}

export class Lowerer {
  private nextSlot = 0;
  private hoistCounter = 0;
  /** Rule groups this rule reads, for the recursion check. */
  readonly deps = new Set<number>();

  /** The module whose imports and package resolve names; a rule may be defined across modules. */
  module: Module;

  constructor(
    private readonly program: Program,
    module: Module,
    private readonly table: HostTable,
  ) {
    this.module = module;
  }

  get slots(): number {
    return this.nextSlot;
  }

  fresh(): number {
    return this.nextSlot++;
  }

  // ---- bodies ------------------------------------------------------------------------------

  /**
   * Lowers `lits` in a child scope of `parent`. `extra` terms (rule heads) are scanned for variable
   * names too, so that head variables are locals of this body. Returns the statements and the set
   * of bound slots afterwards.
   */
  body(lits: Literal[], parent: Scope, bound: Bound, extra: Term[] = []): { stmts: PlanNode[]; bound: Bound; scope: Scope } {
    const scope = new Scope(parent);
    this.declareLocals(lits, extra, scope);
    let pending = [...lits];
    let cur = new Set(bound);
    const stmts: PlanNode[] = [];
    while (pending.length > 0) {
      let firstError: UnsafeVar | null = null;
      let progressed = false;
      for (let i = 0; i < pending.length; i++) {
        const lit = pending[i]!;
        try {
          const next = new Set(cur);
          const out: PlanNode[] = [];
          const split = this.literal(lit, scope, next, out);
          pending = [...pending.slice(0, i), ...(split ?? []), ...pending.slice(i + 1)];
          if (!split) {
            stmts.push(...out);
            cur = next;
          }
          progressed = true;
          break;
        } catch (e) {
          if (!(e instanceof UnsafeVar)) throw e;
          firstError ??= e;
        }
      }
      if (!progressed)
        throw new RegoCompileError(firstError!.pos, `rego_unsafe_var_error: var ${firstError!.varName} is unsafe (nothing in the body binds it)`);
    }
    return { stmts, bound: cur, scope };
  }

  /** Head value/key terms are evaluated after the body; an unbound variable there is unsafe. */
  headTerm(term: Term, scope: Scope, bound: Bound): PlanNode {
    try {
      const out: PlanNode[] = [];
      const node = this.val(term, scope, new Set(bound), out);
      if (out.length > 0) throw unsupported(term.pos, 'iteration inside a rule head', 'move the ref into the body');
      return node;
    } catch (e) {
      if (e instanceof UnsafeVar) throw new RegoCompileError(e.pos, `rego_unsafe_var_error: var ${e.varName} is unsafe (nothing in the body binds it)`);
      throw e;
    }
  }

  /** Patterns for function arguments, bound before the body runs. */
  argPatterns(args: Term[], scope: Scope, bound: Bound): PlanNode[] {
    for (const a of args) for (const v of varsIn(a, false)) if (v.name !== '_' && scope.own(v.name) === undefined) scope.declare(v.name, this.fresh());
    return args.map((a) => this.pat(a, scope, bound, []));
  }

  private declareLocals(lits: Literal[], extra: Term[], scope: Scope): void {
    const explicit = (t: Term | null) => {
      if (!t) return;
      for (const v of varsIn(t, false)) {
        if (v.name === '_') continue;
        // OPA: a variable is declared once per body; a second `:=` or `some` is a compile error.
        if (scope.own(v.name) !== undefined) throw new RegoCompileError(v.pos, `rego_compile_error: var ${v.name} assigned above`);
        scope.declare(v.name, this.fresh());
      }
    };
    // Variables bound inside a `with` literal are the body's: `x := f with input as y` binds x.
    const unwrapped = lits.map(unwrapWith);
    for (const lit of unwrapped) {
      if (lit.type === 'some') lit.names.forEach(explicit);
      else if (lit.type === 'assign') explicit(lit.left);
      else if (lit.type === 'somein') {
        explicit(lit.key);
        explicit(lit.value);
      }
    }
    const implicit = (t: Term) => {
      for (const v of varsIn(t, false)) {
        if (v.name === '_' || scope.lookup(v.name) || this.isGlobalName(v.name)) continue;
        scope.declare(v.name, this.fresh());
      }
    };
    extra.forEach(implicit);
    for (const lit of unwrapped) literalTerms(lit).forEach(implicit);
  }

  private negationKeepsOperands(): boolean {
    return this.module.imports.some((i) => {
      const path = i.path.join('.');
      return path === 'future.keywords.not' || path === 'rego.v2';
    });
  }

  private isGlobalName(name: string): boolean {
    if (name === 'input' || name === 'data') return true;
    if (this.program.aliases.get(this.module)?.has(name)) return true;
    return this.program.byPath.has([...this.module.pkg, name].join('\u0000'));
  }

  /** Returns replacement literals when a unification is split, else pushes statements to `out`. */
  private literal(lit: Literal, scope: Scope, bound: Bound, out: PlanNode[]): Literal[] | null {
    switch (lit.type) {
      case 'expr': {
        const split = this.outputArgument(lit.term);
        if (split) return [{ type: 'unify', left: split.output, right: split.call, pos: lit.pos }];
        out.push([S.EXPR, this.val(lit.term, scope, bound, out)]);
        return null;
      }
      case 'some':
        return null;
      case 'assign': {
        const value = this.val(lit.right, scope, bound, out);
        out.push([S.MATCH, this.pat(lit.left, scope, bound, out), value]);
        return null;
      }
      case 'unify':
        return this.unify(lit, scope, bound, out);
      case 'not': {
        // `import future.keywords.not` (and rego.v2) opt into the newer semantics: the whole
        // negated expression, operands included, is inside the not.
        const hoisted = this.negationKeepsOperands()
          ? { extras: [], lit: lit.lit }
          : hoistNegated(
              lit.lit,
              () => `__not${this.hoistCounter++}__`,
              (name) => !scope.lookup(name) && this.isGlobalName(name),
            );
        if (hoisted.extras.length > 0) {
          for (const { name } of hoisted.extras) scope.declare(name, this.fresh());
          const assigns: Literal[] = hoisted.extras.map(({ name, term }) => ({
            type: 'assign',
            left: { type: 'var', name, pos: term.pos },
            right: term,
            pos: term.pos,
          }));
          return [...assigns, { type: 'not', lit: hoisted.lit, pos: lit.pos }];
        }
        const inner = this.body([lit.lit], scope, bound);
        out.push([S.NOT, inner.stmts]);
        return null;
      }
      case 'somein': {
        const coll = this.val(lit.coll, scope, bound, out);
        const key = lit.key ? this.pat(lit.key, scope, bound, out) : null;
        out.push([S.SCAN, coll, key, this.pat(lit.value, scope, bound, out)]);
        return null;
      }
      case 'with':
        return this.withLiteral(lit, scope, bound, out);
      case 'every': {
        const coll = this.val(lit.coll, scope, bound, out);
        const inner = new Scope(scope);
        for (const t of [lit.key, lit.value]) if (t) for (const v of varsIn(t, false)) if (v.name !== '_') inner.declare(v.name, this.fresh());
        const innerBound = new Set(bound);
        const key = lit.key ? this.pat(lit.key, inner, innerBound, out) : null;
        const value = this.pat(lit.value, inner, innerBound, out);
        const body = this.body(lit.body, inner, innerBound);
        out.push([S.EVERY, coll, key, value, body.stmts]);
        return null;
      }
    }
  }

  /**
   * `lit with t1 as v1 …`: the values are computed outside the modifiers, then `lit` runs with the
   * input or the data paths replaced (rules under a replaced data path take the replacement's value).
   * When lowering rewrites `lit` into several literals, each keeps the same modifiers.
   */
  private withLiteral(lit: Extract<Literal, { type: 'with' }>, scope: Scope, bound: Bound, out: PlanNode[]): Literal[] | null {
    const targets = lit.mods.map((m) => this.withTarget(m));
    const values = lit.mods.map((m) => this.val(m.value, scope, bound, out));
    const inner: PlanNode[] = [];
    const split = this.literal(lit.lit, scope, bound, inner);
    if (split) return split.map((l) => ({ type: 'with', lit: l, mods: lit.mods, pos: lit.pos }));
    out.push([S.WITH, [T.CONST, targets], values, inner]);
    return null;
  }

  /** [kind, path, [[ruleIndex, pathBelowTarget], …]] for one modifier's target. */
  private withTarget(m: WithModifier): unknown[] {
    const t = m.target;
    const head = t.type === 'ref' ? t.head : t;
    const path = staticStrings(t.type === 'ref' ? t.path : []);
    const root = head.type === 'var' ? head.name : '';
    if ((root !== 'input' && root !== 'data') || !path) {
      throw unsupported(
        t.pos,
        'a "with" target other than input[.path] or data.path',
        'replace input or a data document; mocking functions and built-ins is not supported',
      );
    }
    if (root === 'input') return [WITH_TARGET.input, path, []];
    if (path.length === 0) throw unsupported(t.pos, '"with data as …"', 'replace a path below data, such as data.inventory');
    const overridden: [number, string[]][] = [];
    for (const g of this.program.groups) {
      const under = g.path.length >= path.length && path.every((s, i) => g.path[i] === s);
      const above = g.path.length < path.length && g.path.every((s, i) => path[i] === s);
      if (above) throw unsupported(t.pos, `"with" replacing part of rule data.${g.path.join('.')}`, 'replace the whole rule');
      if (!under) continue;
      if (g.kind === 'function') throw unsupported(t.pos, `"with" replacing function data.${g.path.join('.')}`, 'mocking functions is not supported');
      overridden.push([g.index, g.path.slice(path.length)]);
    }
    return [WITH_TARGET.data, path, overridden];
  }

  /** OPA's call form with a trailing output argument, `f(x, y)`, means `y = f(x)`. */
  private outputArgument(term: Term): { call: Term; output: Term } | null {
    if (term.type !== 'call' || term.args.length === 0 || term.operator) return null;
    const fn = this.userFunction(term.name);
    const arity = fn ? fn.rules[0]!.rule.head.args!.length : BUILTINS[term.name.join('.')]?.arity;
    if (arity === undefined || term.args.length !== arity + 1) return null;
    return { call: { ...term, args: term.args.slice(0, -1) }, output: term.args[term.args.length - 1]! };
  }

  private unify(lit: Extract<Literal, { type: 'unify' }>, scope: Scope, bound: Bound, out: PlanNode[]): Literal[] | null {
    const attempt = (valueSide: Term, patternSide: Term): boolean => {
      const b = new Set(bound);
      const o: PlanNode[] = [];
      let value: PlanNode;
      try {
        value = this.val(valueSide, scope, b, o);
      } catch (e) {
        if (e instanceof UnsafeVar) return false;
        throw e;
      }
      o.push([S.MATCH, this.pat(patternSide, scope, b, o), value]);
      out.push(...o);
      for (const s of b) bound.add(s);
      return true;
    };
    if (attempt(lit.right, lit.left) || attempt(lit.left, lit.right)) return null;
    const { left, right } = lit;
    if (left.type === 'array' && right.type === 'array' && left.items.length === right.items.length) {
      return left.items.map((l, i) => ({ type: 'unify', left: l, right: right.items[i]!, pos: lit.pos }));
    }
    // Neither side can be computed yet: report the first unbound variable and let the scheduler retry.
    this.val(lit.right, scope, new Set(bound), []);
    return null;
  }

  // ---- terms -------------------------------------------------------------------------------

  private slotFor(name: string, pos: Pos, scope: Scope, bound: Bound, asPattern: boolean): number | null {
    if (name === '_') return asPattern ? this.fresh() : null;
    const hit = scope.lookup(name);
    if (!hit) return null;
    if (!bound.has(hit.slot) && (!asPattern || hit.outer)) {
      // An outer variable must be bound before a nested body (not, every, comprehension) reads it.
      throw new UnsafeVar(name, pos);
    }
    return hit.slot;
  }

  /** A deterministic value; ref keys that are unbound variables become SCAN statements in `out`. */
  val(term: Term, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    switch (term.type) {
      case 'scalar':
        return [T.CONST, term.value];
      case 'var': {
        if (term.name === '_') throw new UnsafeVar('_', term.pos);
        const slot = this.slotFor(term.name, term.pos, scope, bound, false);
        if (slot !== null) return [T.VAR, slot];
        return this.global(term.name, [], term.pos, scope, bound, out);
      }
      case 'ref':
        return this.ref(term, scope, bound, out);
      case 'call':
        return this.call(term, scope, bound, out);
      case 'array':
        return [T.ARRAY, ...term.items.map((t) => this.val(t, scope, bound, out))];
      case 'set':
        return [T.SET, ...term.items.map((t) => this.val(t, scope, bound, out))];
      case 'object':
        return [T.OBJECT, ...term.entries.flatMap(([k, v]) => [this.val(k, scope, bound, out), this.val(v, scope, bound, out)])];
      case 'arraycompr':
      case 'setcompr': {
        const b = this.body(term.body, scope, bound, [term.head]);
        return [T.COMPR, term.type === 'arraycompr' ? 0 : 1, this.headTerm(term.head, b.scope, b.bound), null, b.stmts];
      }
      case 'objectcompr': {
        const b = this.body(term.body, scope, bound, [term.key, term.value]);
        return [T.COMPR, 2, this.headTerm(term.key, b.scope, b.bound), this.headTerm(term.value, b.scope, b.bound), b.stmts];
      }
    }
  }

  /** `input`, `data`, a rule of this package or an import alias, followed by `path`. */
  private global(name: string, path: Term[], pos: Pos, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    if (name === 'input') return this.refTail([T.INPUT], path, scope, bound, out);
    if (name === 'data') return this.dataRef([], path, pos, scope, bound, out);
    const alias = this.program.aliases.get(this.module)?.get(name);
    if (alias) {
      const prefix: Term[] = alias.path.map((s) => ({ type: 'scalar', value: s, pos }));
      if (alias.root === 'input') return this.refTail([T.INPUT], [...prefix, ...path], scope, bound, out);
      return this.dataRef([], [...prefix, ...path], pos, scope, bound, out);
    }
    if (this.program.byPath.has([...this.module.pkg, name].join('\u0000'))) {
      return this.dataRef(this.module.pkg, [{ type: 'scalar', value: name, pos }, ...path], pos, scope, bound, out);
    }
    throw new UnsafeVar(name, pos);
  }

  private dataRef(prefix: string[], path: Term[], pos: Pos, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    let n = 0;
    while (n < path.length && staticStrings([path[n]!])) n++;
    const staticPath = [...prefix, ...staticStrings(path.slice(0, n))!];
    const hit = groupForPath(this.program, staticPath);
    if (hit) {
      const rest: Term[] = hit.rest.map((s) => ({ type: 'scalar', value: s, pos }));
      this.deps.add(hit.group.index);
      if (hit.group.kind === 'function') {
        // A zero-argument function `f() := ...` may be referred to without parentheses.
        if (hit.group.rules[0]!.rule.head.args!.length === 0) return this.refTail([T.FUNC, hit.group.index], [...rest, ...path.slice(n)], scope, bound, out);
        throw new RegoCompileError(pos, `function data.${hit.group.path.join('.')} must be called with arguments`);
      }
      return this.refTail([T.RULE, hit.group.index], [...rest, ...path.slice(n)], scope, bound, out);
    }
    if (isPackagePrefix(this.program, staticPath)) {
      throw unsupported(pos, `reference to the whole package data.${staticPath.join('.')}`, 'refer to individual rules');
    }
    const keys: Term[] = staticPath.map((s) => ({ type: 'scalar', value: s, pos }));
    return this.refTail([T.DATA], [...keys, ...path.slice(n)], scope, bound, out);
  }

  private ref(term: Extract<Term, { type: 'ref' }>, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    const head = term.head;
    if (head.type === 'var') {
      const slot = head.name === '_' ? null : this.slotFor(head.name, head.pos, scope, bound, false);
      if (slot !== null) return this.refTail([T.VAR, slot], term.path, scope, bound, out);
      if (head.name === '_') throw new UnsafeVar('_', head.pos);
      return this.global(head.name, term.path, head.pos, scope, bound, out);
    }
    return this.refTail(this.val(head, scope, bound, out), term.path, scope, bound, out);
  }

  /** Applies ref keys to `base`; each unbound variable key iterates the collection built so far. */
  private refTail(base: PlanNode, path: Term[], scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    let cur: PlanNode = base;
    let keys: PlanNode[] = [];
    const flush = (): PlanNode => (keys.length === 0 ? cur : [T.REF, cur, ...keys]);
    for (const key of path) {
      if (this.hasUnboundVars(key, scope, bound)) {
        // `xs[i]`, `xs[_]`, and patterns such as `violations[{"msg": m, "field": "x"}]`: iterate the
        // collection built so far and match the key (for sets, the member) against the pattern.
        const coll = flush();
        const k = this.pat(key, scope, bound, out);
        const tmp = this.fresh();
        out.push([S.SCAN, coll, k, [T.VAR, tmp]]);
        bound.add(tmp);
        cur = [T.VAR, tmp];
        keys = [];
      } else {
        keys.push(this.val(key, scope, bound, out));
      }
    }
    return flush();
  }

  /** Only variables in pattern positions count: a ref or call inside the key is evaluated, not matched. */
  private hasUnboundVars(key: Term, scope: Scope, bound: Bound): boolean {
    if (key.type === 'var') {
      if (key.name === '_') return true;
      const hit = scope.lookup(key.name);
      return hit ? !bound.has(hit.slot) : !this.isGlobalName(key.name);
    }
    if (key.type === 'array') return key.items.some((t) => this.hasUnboundVars(t, scope, bound));
    if (key.type === 'object') return key.entries.some(([, v]) => this.hasUnboundVars(v, scope, bound));
    return false;
  }

  private call(term: Extract<Term, { type: 'call' }>, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    const name = term.name.join('.');
    if (name === EMPTY_SET_CALL && term.args.length === 0) return [T.SET];
    const fn = term.operator ? null : this.userFunction(term.name);
    const args = () => term.args.map((a) => this.val(a, scope, bound, out));
    if (fn) {
      this.deps.add(fn.index);
      const arity = fn.rules[0]!.rule.head.args!.length;
      if (term.args.length !== arity) throw new RegoCompileError(term.pos, `function ${name} takes ${arity} argument(s), got ${term.args.length}`);
      return [T.FUNC, fn.index, ...args()];
    }
    const spec = BUILTINS[name];
    if (!spec) throw unsupported(term.pos, `built-in function ${name}`, 'see packages/rego/README.md for the supported built-ins');
    if (term.args.length !== spec.arity) {
      throw new RegoCompileError(term.pos, `${name} takes ${spec.arity} argument(s), got ${term.args.length}`);
    }
    if (spec.where === 'host') return [T.HOST, this.table.host(name), ...args()];
    return [T.CALL, this.table.native(name), ...args()];
  }

  private userFunction(name: string[]): RuleGroup | null {
    const candidates: string[][] = [];
    if (name[0] === 'data') candidates.push(name.slice(1));
    else {
      candidates.push([...this.module.pkg, ...name]);
      const alias = this.program.aliases.get(this.module)?.get(name[0]!);
      if (alias?.root === 'data') candidates.push([...alias.path, ...name.slice(1)]);
    }
    for (const c of candidates) {
      const g = this.program.byPath.get(c.join('\u0000'));
      if (g) {
        if (g.kind !== 'function')
          throw new RegoCompileError(g.rules[0]?.rule.pos ?? g.defaultRule!.rule.pos, `data.${g.path.join('.')} is a rule, not a function`);
        return g;
      }
    }
    return null;
  }

  /** A pattern: variables bind (or compare once bound), arrays/objects destructure, the rest compares. */
  pat(term: Term, scope: Scope, bound: Bound, out: PlanNode[]): PlanNode {
    if (term.type === 'var') {
      const slot = this.slotFor(term.name, term.pos, scope, bound, true);
      if (slot === null) return this.val(term, scope, bound, out);
      bound.add(slot);
      return [T.VAR, slot];
    }
    if (term.type === 'array') return [T.ARRAY, ...term.items.map((t) => this.pat(t, scope, bound, out))];
    if (term.type === 'object') {
      return [T.OBJECT, ...term.entries.flatMap(([k, v]) => [this.val(k, scope, bound, out), this.pat(v, scope, bound, out)])];
    }
    return this.val(term, scope, bound, out);
  }
}

/** Variables of a term, not descending into comprehension bodies (those are nested scopes). */
export function varsIn(term: Term, intoRefHeads: boolean): Extract<Term, { type: 'var' }>[] {
  const out: Extract<Term, { type: 'var' }>[] = [];
  const walk = (t: Term): void => {
    switch (t.type) {
      case 'var':
        out.push(t);
        break;
      case 'ref':
        if (intoRefHeads || t.head.type !== 'var') walk(t.head);
        else out.push(t.head);
        t.path.forEach(walk);
        break;
      case 'call':
        t.args.forEach(walk);
        break;
      case 'array':
      case 'set':
        t.items.forEach(walk);
        break;
      case 'object':
        t.entries.forEach(([k, v]) => {
          walk(k);
          walk(v);
        });
        break;
      default:
        break;
    }
  };
  walk(term);
  return out;
}

function unwrapWith(lit: Literal): Literal {
  return lit.type === 'with' ? unwrapWith(lit.lit) : lit;
}

/** Terms that sit directly in a literal (nested bodies of not/every are separate scopes). */
function literalTerms(lit: Literal): Term[] {
  switch (lit.type) {
    case 'expr':
      return [lit.term];
    case 'assign':
    case 'unify':
      return [lit.left, lit.right];
    case 'somein':
    case 'every':
      return [lit.coll];
    default:
      return [];
  }
}
