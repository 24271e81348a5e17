/**
 * Rule / foreach `context` entries. Only `variable` entries are evaluated offline (Kyverno's
 * loaders/variable.go); `apiCall`, `configMap`, `globalReference` and `imageRegistry` need a cluster or a
 * registry and are rejected by loadKyvernoPolicy as unsupported.
 */
import type { JsonContext } from './context.js';
import { isObject } from './json.js';
import { cannotFail } from './jmespath/cannot-fail.js';
import { kyvernoSearch } from './jmespath/interpreter.js';
import { substituteAll } from './variables.js';

export class ContextLoadError extends Error {}

const isNil = (v: unknown): boolean => v === undefined || v === null;

/**
 * The expression of a `variable` entry that may be evaluated when first read: nothing to substitute, no value
 * or default, an expression that cannot fail (so it need not run before it is read); null otherwise. Worked
 * out once per entry object: rules load the same entries for every request.
 */
const lazyExpressions = new WeakMap<object, string | null>();
function lazyExpression(v: Record<string, unknown>): string | null {
  let lazy = lazyExpressions.get(v);
  if (lazy === undefined) {
    const jmesPath = v['jmesPath'];
    lazy =
      typeof jmesPath === 'string' && isNil(v['value']) && isNil(v['default']) && !jmesPath.includes('{{') && cannotFail(jmesPath.trim())
        ? jmesPath.trim()
        : null;
    lazyExpressions.set(v, lazy);
  }
  return lazy;
}

export function loadContextEntries(ctx: JsonContext, entries: unknown): void {
  if (!Array.isArray(entries)) return;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const name = typeof entry['name'] === 'string' ? entry['name'] : '';
    const v = entry['variable'];
    if (!isObject(v)) throw new ContextLoadError(`context entry ${name}: only 'variable' entries are supported`);
    const lazy = lazyExpression(v);
    if (lazy !== null) {
      ctx.setLazy(name, lazy);
      continue;
    }
    let path = '';
    if (typeof v['jmesPath'] === 'string' && v['jmesPath'] !== '') {
      const jp = substituteAll(ctx, v['jmesPath']);
      if (typeof jp !== 'string') throw new ContextLoadError(`jmespath value must be a string ${name} ${v['jmesPath']}`);
      path = jp;
    }
    const defaultValue = v['default'] !== undefined && v['default'] !== null ? substituteAll(ctx, v['default']) : null;
    let output: unknown = defaultValue;
    if (v['value'] !== undefined && v['value'] !== null) {
      const value = substituteAll(ctx, v['value']);
      if (path !== '') {
        try {
          output = kyvernoSearch(path, value);
        } catch (e) {
          if (defaultValue === null) throw new ContextLoadError(`failed to apply jmespath ${path} to variable: ${(e as Error).message}`);
        }
      } else output = value;
    } else if (path !== '') {
      try {
        const r = ctx.query(path);
        if (r !== null && r !== undefined) output = r;
      } catch (e) {
        if (defaultValue === null) throw new ContextLoadError(`failed to apply jmespath ${path} to variable: ${(e as Error).message}`);
      }
    }
    if (output === null || output === undefined) {
      throw new ContextLoadError(`failed to add context entry for variable ${name} since it evaluated to nil`);
    }
    ctx.set(name, output);
  }
}
