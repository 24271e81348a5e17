// Rego sources → plan (JSON), the engine-neutral form the Wasm runtime interprets.
import type { Rule } from '../syntax/ast.js';
import { RegoCompileError } from '../syntax/errors.js';
import { parseModule } from '../syntax/parser.js';
import { RULE_KIND, T, type PlanNode } from '../plan/opcodes.js';
import { buildProgram, pathKey, type Program, type RuleGroup } from './program.js';
import { inlineReaders } from './inline.js';
import { inlineGatherers, inlineGatheringScans } from './gather.js';
import { inlinePredicates } from './inline-predicates.js';
import { shareIdenticalRules } from './share.js';
import { HostTable, Lowerer, Scope } from './lower.js';

export interface RegoSource {
  path: string;
  text: string;
}

export interface CompiledPlan {
  plan: unknown[];
  /** Entry point name → id, as `entrypoints()` in the module reports it. */
  entrypoints: Record<string, number>;
  /** Names of built-ins the module calls through opa_builtinN. */
  hostBuiltins: string[];
}

function lowerDefinition(lw: Lowerer, group: RuleGroup, rule: Rule): PlanNode {
  const root = new Scope(null);
  const bound = new Set<number>();
  const args = rule.head.args ? lw.argPatterns(rule.head.args, root, bound) : [];
  const headTerms = [rule.head.key, rule.head.value].filter((t): t is NonNullable<typeof t> => t !== null);
  const clause = (body: Rule['body'], value: Rule['head']['value'], key: Rule['head']['key']): PlanNode => {
    const b = lw.body(body, root, bound, headTerms);
    const keyNode = key ? lw.headTerm(key, b.scope, b.bound) : null;
    let valueNode: PlanNode | null = value ? lw.headTerm(value, b.scope, b.bound) : null;
    if (!valueNode && (group.kind === 'complete' || group.kind === 'function')) valueNode = [T.CONST, true];
    return [args, keyNode, valueNode, b.stmts, null];
  };
  const first = clause(rule.body, rule.head.value, rule.head.key);
  let tail = first;
  for (const e of rule.elses) {
    if (group.kind !== 'complete' && group.kind !== 'function') {
      throw new RegoCompileError(e.pos, `"else" is only allowed on complete rules and functions, not on a ${group.kind} rule`);
    }
    const next = clause(e.body, e.value, null);
    tail[4] = next;
    tail = next;
  }
  return first;
}

function checkRecursion(program: Program, deps: Map<number, Set<number>>): void {
  const state = new Map<number, 'visiting' | 'done'>();
  const visit = (i: number, trail: number[]): void => {
    if (state.get(i) === 'done') return;
    if (state.get(i) === 'visiting') {
      const g = program.groups[i]!;
      const cycle = [...trail.slice(trail.indexOf(i)), i].map((n) => 'data.' + program.groups[n]!.path.join('.')).join(' → ');
      const pos = (g.rules[0] ?? g.defaultRule)!.rule.pos;
      throw new RegoCompileError(pos, `rego_recursion_error: rule data.${g.path.join('.')} is recursive: ${cycle}`);
    }
    state.set(i, 'visiting');
    for (const d of deps.get(i) ?? []) visit(d, [...trail, i]);
    state.set(i, 'done');
  };
  for (const g of program.groups) visit(g.index, []);
}

export interface PlanOptions {
  /**
   * Compile only what the entrypoints need: an error in a rule they never reach is ignored (its
   * slot in the plan stays empty). `podsec test rego` uses this so that one test outside the
   * subset does not stop the others; `podsec rego build` checks every rule, as `opa build` does.
   */
  onlyReachable?: boolean;
  /**
   * Inline the calls of readers, fallback readers, predicates and gatherers (compile/inline.ts,
   * compile/inline-predicates.ts, compile/gather.ts). Default true; false plans the rules exactly as lowered, which
   * the differential tests of those passes compare against.
   */
  inline?: boolean;
}

export function compileToPlan(sources: RegoSource[], entrypoints: string[], options: PlanOptions = {}): CompiledPlan {
  if (sources.length === 0) throw new Error('compileRego: no Rego sources given');
  if (entrypoints.length === 0) throw new Error('compileRego: give at least one entrypoint such as "pkg/rule"');
  const program = buildProgram(sources.map((s) => parseModule(s.path, s.text)));
  const table = new HostTable();
  const deps = new Map<number, Set<number>>();
  const errors = new Map<number, unknown>();
  const lowerGroup = (group: RuleGroup): unknown => {
    const module = (group.rules[0] ?? group.defaultRule)!.module;
    const lw = new Lowerer(program, module, table);
    // One frame layout per rule group: definitions from different modules share the slot counter.
    const defs = group.rules.map(({ rule, module: m }) => {
      lw.module = m;
      return lowerDefinition(lw, group, rule);
    });
    lw.module = module;
    let dflt: PlanNode | null = null;
    if (group.defaultRule) {
      lw.module = group.defaultRule.module;
      dflt = lw.headTerm(group.defaultRule.rule.head.value!, new Scope(null), new Set());
      lw.module = module;
    }
    deps.set(group.index, lw.deps);
    return [RULE_KIND[group.kind], lw.slots, defs, dflt, 'data.' + group.path.join('.')];
  };
  const rules: unknown[] = program.groups.map((group) => {
    if (!options.onlyReachable) return lowerGroup(group);
    try {
      return lowerGroup(group);
    } catch (e) {
      errors.set(group.index, e);
      deps.set(group.index, new Set());
      return [RULE_KIND[group.kind], 0, [], null, 'data.' + group.path.join('.')];
    }
  });
  checkRecursion(program, deps);
  if (options.inline !== false) {
    inlineReaders(rules, table.natives);
    inlinePredicates(rules);
    inlineGatherers(rules, table.natives);
    inlineGatheringScans(rules, table.natives);
  }
  const entryIds: Record<string, number> = {};
  const entryRules: number[] = [];
  entrypoints.forEach((name, i) => {
    const path = name.split('/').filter((s) => s.length > 0);
    const g = program.byPath.get(pathKey(path));
    if (!g) {
      const known = program.groups.filter((x) => x.kind !== 'function').map((x) => x.path.join('/'));
      throw new Error(`compileRego: entrypoint "${name}" names no rule in the sources (known rules: ${known.join(', ') || 'none'})`);
    }
    if (g.kind === 'function') throw new Error(`compileRego: entrypoint "${name}" is a function; entrypoints must be rules`);
    entryIds[name] = i;
    entryRules.push(g.index);
  });
  if (errors.size > 0) {
    const seen = new Set<number>();
    const visit = (i: number): void => {
      if (seen.has(i)) return;
      seen.add(i);
      if (errors.has(i)) throw errors.get(i);
      for (const d of deps.get(i) ?? []) visit(d);
    };
    entryRules.forEach(visit);
  }
  shareIdenticalRules(rules, entryRules);
  return {
    plan: [rules, entrypoints, entryRules, table.natives, table.names],
    entrypoints: entryIds,
    hostBuiltins: table.names,
  };
}
