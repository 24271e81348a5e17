// Groups the rules of all modules by their data path and records each module's import aliases,
// so that the lowering pass can resolve names the way OPA's compiler does.
import type { Module, Rule, Term } from '../syntax/ast.js';
import { RegoCompileError } from '../syntax/errors.js';
import type { RuleKind } from '../plan/opcodes.js';

export interface RuleGroup {
  index: number;
  /** Path below `data`, e.g. ["podsec", "require_run_as_non_root", "violation"]. */
  path: string[];
  kind: RuleKind;
  rules: { rule: Rule; module: Module }[];
  defaultRule: { rule: Rule; module: Module } | null;
}

export interface ImportAlias {
  root: 'input' | 'data';
  path: string[];
}

export interface Program {
  modules: Module[];
  groups: RuleGroup[];
  byPath: Map<string, RuleGroup>;
  aliases: Map<Module, Map<string, ImportAlias>>;
}

function ruleKind(rule: Rule): RuleKind {
  const h = rule.head;
  if (h.args) return 'function';
  if (h.partialSet) return 'set';
  if (h.key) return 'object';
  return 'complete';
}

export const pathKey = (path: string[]): string => path.join('\u0000');

/** `import future.keywords.*` and `import rego.v1` only switch syntax on; podsec always accepts it. */
const SYNTAX_IMPORTS = new Set(['future', 'rego']);

export function buildProgram(modules: Module[]): Program {
  const groups: RuleGroup[] = [];
  const byPath = new Map<string, RuleGroup>();
  const aliases = new Map<Module, Map<string, ImportAlias>>();
  for (const m of modules) {
    const table = new Map<string, ImportAlias>();
    for (const imp of m.imports) {
      const [root, ...rest] = imp.path;
      if (SYNTAX_IMPORTS.has(root!)) continue;
      if (root !== 'input' && root !== 'data') {
        throw new RegoCompileError(imp.pos, `import must start with "input" or "data" (or be future.keywords / rego.v1), got "${imp.path.join('.')}"`);
      }
      const alias = imp.alias ?? imp.path[imp.path.length - 1]!;
      table.set(alias, { root, path: rest });
    }
    aliases.set(m, table);
    for (const rule of m.rules) {
      const path = [...m.pkg, rule.head.name];
      const kind = ruleKind(rule);
      let g = byPath.get(pathKey(path));
      if (!g) {
        g = { index: groups.length, path, kind, rules: [], defaultRule: null };
        groups.push(g);
        byPath.set(pathKey(path), g);
      }
      if (rule.isDefault) {
        if (kind !== 'complete') throw new RegoCompileError(rule.pos, `unsupported: default value for a ${kind} rule (only complete rules take "default")`);
        if (g.defaultRule) throw new RegoCompileError(rule.pos, `multiple default rules data.${path.join('.')} found`);
        g.defaultRule = { rule, module: m };
      } else {
        g.rules.push({ rule, module: m });
      }
      if (g.kind !== kind) {
        throw new RegoCompileError(
          rule.head.pos,
          `rule data.${path.join('.')} conflicts with another definition: declared as ${kind} here and ${g.kind} elsewhere`,
        );
      }
    }
  }
  return { modules, groups, byPath, aliases };
}

/** Finds the rule group a static data path starts with, if any. */
export function groupForPath(p: Program, path: string[]): { group: RuleGroup; rest: string[] } | null {
  for (let n = path.length; n > 0; n--) {
    const g = p.byPath.get(pathKey(path.slice(0, n)));
    if (g) return { group: g, rest: path.slice(n) };
  }
  return null;
}

/** True when some rule lives below `path` (then `data.<path>` is a package, not a base document). */
export function isPackagePrefix(p: Program, path: string[]): boolean {
  return p.groups.some((g) => g.path.length > path.length && path.every((s, i) => g.path[i] === s));
}

export function staticStrings(terms: Term[]): string[] | null {
  const out: string[] = [];
  for (const t of terms) {
    if (t.type !== 'scalar' || typeof t.value !== 'string') return null;
    out.push(t.value);
  }
  return out;
}
