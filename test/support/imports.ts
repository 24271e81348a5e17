/**
 * The static import graph of the workspace's own TypeScript (packages/<pkg>/src, policies), read
 * with the TypeScript compiler's parser: relative imports and `@podsec/<pkg>` imports, each to
 * the file it resolves to. Used by the cycle test; type-only imports are edges too, because a
 * type cycle between packages is still a layering cycle.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ts } from 'ts-morph';

export interface ImportGraph {
  root: string;
  /** file (relative to root) → files it imports (relative to root). */
  edges: Map<string, string[]>;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules') return [];
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolveImport(root: string, from: string, spec: string): string | undefined {
  if (spec.startsWith('@podsec/')) {
    const [, pkg, ...rest] = spec.split('/');
    return rest.length ? undefined : join(root, 'packages', pkg!, 'src', 'index.ts');
  }
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
}

export function importGraph(root: string, dirs: readonly string[]): ImportGraph {
  const edges = new Map<string, string[]>();
  for (const file of dirs.flatMap((d) => tsFiles(join(root, d)))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
    const targets: string[] = [];
    for (const stmt of source.statements) {
      const spec =
        (ts.isImportDeclaration(stmt) || ts.isExportDeclaration(stmt)) && stmt.moduleSpecifier && ts.isStringLiteral(stmt.moduleSpecifier)
          ? stmt.moduleSpecifier.text
          : undefined;
      const target = spec && resolveImport(root, file, spec);
      if (target) targets.push(relative(root, target));
    }
    edges.set(relative(root, file), targets);
  }
  return { root, edges };
}

/** Strongly connected components with more than one node (or a self-loop): the import cycles. */
export function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (edges.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of [...edges.keys()].sort()) if (!idx.has(v)) visit(v);
  return out;
}

/** The package a file belongs to: `packages/<pkg>` → pkg, `policies/...` → policies. */
export const packageOf = (file: string): string => (file.startsWith('packages/') ? file.split('/')[1]! : file.split('/')[0]!);

/** The graph collapsed to packages (edges between different packages only). */
export function packageGraph(graph: ImportGraph): Map<string, string[]> {
  const out = new Map<string, Set<string>>();
  for (const [from, tos] of graph.edges) {
    const p = packageOf(from);
    const set = out.get(p) ?? new Set<string>();
    for (const to of tos) if (packageOf(to) !== p) set.add(packageOf(to));
    out.set(p, set);
  }
  return new Map([...out].map(([k, v]) => [k, [...v].sort()]));
}
