import { celRuntimeError } from './errors.js';
import { type MacroCall, type MacroChecker, type MacroEvaluator, type MacroInstance, type MacroScope, type MacroType, macroVariable } from './macro.js';
import type { CelExtension, CelFunctionSpec } from './registry.js';

// cel-go's two-variable comprehensions (ext.TwoVarComprehensions, Kubernetes 1.33+): `all`, `exists`,
// `existsOne`, `transformList`, `transformMap` with (index, value) over lists and (key, value) over maps.
const LIB = 'cel-go ext.TwoVarComprehensions (Kubernetes)';

type Kind = 'all' | 'exists' | 'existsOne' | 'transformList' | 'transformMap';

interface State {
  kind: Kind;
  receiver: unknown;
  first: string;
  second: string;
  filter: unknown;
  body: unknown;
  scope?: MacroScope;
  inner?: MacroScope;
}

function pairs(range: unknown, node: unknown, ev: MacroEvaluator): [unknown, unknown][] {
  if (Array.isArray(range)) return range.map((v, i) => [BigInt(i), v]);
  if (range instanceof Map) return [...range.entries()];
  if (range !== null && typeof range === 'object') return Object.entries(range);
  throw ev.createError('invalid_comprehension_range', 'two-variable comprehensions range over a list or a map', node);
}

function typeCheck(checker: MacroChecker, self: MacroInstance<State>, scope: MacroScope): MacroType {
  const s = self.state;
  const rt = checker.check(s.receiver, scope);
  const dyn = checker.dynType;
  const known = (t: MacroType | undefined): MacroType => (!t || t.kind === 'param' ? dyn : t);
  const [t1, t2] =
    rt.kind === 'list' ? [checker.getType('int'), known(rt.valueType)] : rt.kind === 'map' ? [known(rt.keyType), known(rt.valueType)] : [dyn, dyn];
  s.scope = scope.forkWithVariable(s.first, t1);
  s.inner = s.scope.forkWithVariable(s.second, t2);
  if (s.filter !== undefined) checker.check(s.filter, s.inner);
  const bodyType = checker.check(s.body, s.inner);
  if (s.kind === 'transformList') return checker.registry.getListType(bodyType);
  if (s.kind === 'transformMap') return checker.registry.getMapType(t1, bodyType);
  return checker.getType('bool');
}

function evaluate(ev: MacroEvaluator, self: MacroInstance<State>, scope: MacroScope): unknown {
  const s = self.state;
  const items = pairs(ev.run(s.receiver, scope), s.receiver, ev);
  const outer = (s.scope as MacroScope).reuse(scope);
  const inner = (s.inner as MacroScope).reuse(outer);
  const run = (node: unknown, a: unknown, b: unknown): unknown => {
    outer.setIterValue(a, ev);
    inner.setIterValue(b, ev);
    return ev.run(node, inner);
  };
  const asBool = (v: unknown): boolean => (typeof v === 'boolean' ? v : celRuntimeError(`${s.kind} predicate must return bool`));
  switch (s.kind) {
    case 'all':
    case 'exists': {
      // An error is the result only when no element decides it (cel-spec's commutative &&/||).
      const decisive = s.kind === 'exists';
      let error: unknown;
      for (const [a, b] of items) {
        try {
          if (asBool(run(s.body, a, b)) === decisive) return decisive;
        } catch (e) {
          error ??= e;
        }
      }
      if (error !== undefined) throw error;
      return !decisive;
    }
    case 'existsOne':
      return items.filter(([a, b]) => asBool(run(s.body, a, b))).length === 1;
    case 'transformList': {
      const out: unknown[] = [];
      for (const [a, b] of items) if (s.filter === undefined || asBool(run(s.filter, a, b))) out.push(run(s.body, a, b));
      return out;
    }
    case 'transformMap': {
      const out = new Map<unknown, unknown>();
      for (const [a, b] of items) if (s.filter === undefined || asBool(run(s.filter, a, b))) out.set(a, run(s.body, a, b));
      return [...out.keys()].every((k) => typeof k === 'string') ? Object.fromEntries(out) : out;
    }
  }
}

function expander(kind: Kind, withFilter: boolean) {
  return ({ args, receiver }: MacroCall): MacroInstance<State> => ({
    state: {
      kind,
      receiver,
      first: macroVariable(args[0], kind),
      second: macroVariable(args[1], kind),
      filter: withFilter ? args[2] : undefined,
      body: withFilter ? args[3] : args[2],
    },
    async: false,
    typeCheck,
    evaluate,
  });
}

function macro(receiver: string, name: string, kind: Kind, withFilter: boolean, result: string): CelFunctionSpec {
  const params = withFilter ? 'ast, ast, ast, ast' : 'ast, ast, ast';
  return { signature: `${receiver}.${name}(${params}): ${result}`, handler: expander(kind, withFilter) as never, library: LIB };
}

export const comprehensionsExtension: CelExtension = {
  name: 'comprehensions',
  // The library finds macros by name and arity only, so `list.` also covers map receivers.
  functions: [
    macro('list', 'all', 'all', false, 'bool'),
    macro('list', 'exists', 'exists', false, 'bool'),
    macro('list', 'existsOne', 'existsOne', false, 'bool'),
    macro('list', 'exists_one', 'existsOne', false, 'bool'),
    macro('list', 'transformList', 'transformList', false, 'list<dyn>'),
    macro('list', 'transformList', 'transformList', true, 'list<dyn>'),
    macro('list', 'transformMap', 'transformMap', false, 'map<dyn, dyn>'),
    macro('list', 'transformMap', 'transformMap', true, 'map<dyn, dyn>'),
  ],
};
