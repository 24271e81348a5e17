import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isPolicy } from '@podsec/dsl';
import type { PolicyIR } from '@podsec/ir';
import { CliError } from './io.js';
import { selectPolicies } from './select.js';
import { typecheckPolicyModules } from './typecheck.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);
const SKIP_DIRS = new Set(['node_modules', '.git', 'test', '__tests__']);

export interface LoadedPolicy {
  ir: PolicyIR;
  file: string;
}

/** Policy modules below `dir`: TypeScript/JavaScript files, not tests, not declaration files. */
export function findPolicyModules(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith('.')) visit(path);
      } else if (MODULE_EXTENSIONS.has(extname(name)) && !/\.(test|spec|d)\.[mc]?[jt]s$/.test(name) && !name.startsWith('_')) {
        out.push(path);
      }
    }
  };
  visit(dir);
  return out;
}

function policiesExported(mod: Record<string, unknown>): unknown[] {
  const values = [
    mod.default,
    ...Object.entries(mod)
      .filter(([k]) => k !== 'default')
      .map(([, v]) => v),
  ];
  return values.flatMap((v) => (Array.isArray(v) ? v : [v])).filter(isPolicy);
}

const firstLines = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n').slice(0, 6).join('\n  ');

export interface LoadOptions {
  /** Type-check the modules with the TypeScript compiler first (default true; `--no-typecheck`). */
  typecheck?: boolean;
  /** `--policy NAME` patterns (globs over policy names); empty or absent: every policy. */
  select?: readonly string[];
}

/**
 * Type-checks, then imports every policy module below `dir` (TypeScript runs through the tsx
 * loader the CLI registers, so authors have no compile step) and returns each policy's IR, with
 * `source` set to the module path relative to `dir`.
 */
export async function loadPolicies(dir: string, cwd: string, options: LoadOptions = {}): Promise<LoadedPolicy[]> {
  const root = resolve(cwd, dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new CliError(`${dir}: no such policy directory. Fix: pass the folder that holds your policy modules (default: policies).`, 2);
  const modules = findPolicyModules(root);
  if (options.typecheck !== false) await typecheckPolicyModules(modules, cwd);
  const byName = new Map<string, LoadedPolicy>();
  for (const file of modules) {
    const rel = relative(root, file).split(sep).join('/');
    let mod: Record<string, unknown>;
    try {
      // The version query makes a long-lived process (tests, watch mode) see edited modules.
      const { mtimeMs, size } = statSync(file);
      mod = (await import(`${pathToFileURL(file).href}?v=${mtimeMs}-${size}`)) as Record<string, unknown>;
    } catch (e) {
      throw new CliError(`${join(dir, rel)}: the policy module failed to load:\n  ${firstLines(e)}`);
    }
    for (const policy of policiesExported(mod)) {
      if (!isPolicy(policy)) continue;
      const ir: PolicyIR = { ...policy.ir, source: rel };
      const clash = byName.get(ir.name);
      if (clash && clash.file !== rel)
        throw new CliError(`${join(dir, rel)}: policy name "${ir.name}" is already used by ${join(dir, clash.file)}. Fix: give each policy a unique name.`);
      byName.set(ir.name, { ir, file: rel });
    }
  }
  if (byName.size === 0) throw new CliError(`${dir}: no policies found. Fix: export definePolicy(...) from .ts modules in that folder.`, 2);
  const all = [...byName.values()].sort((a, b) => (a.ir.name < b.ir.name ? -1 : 1));
  return selectPolicies(all, options.select ?? [], (l) => l.ir.name);
}
