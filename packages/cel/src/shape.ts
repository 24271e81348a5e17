/**
 * Reading policy documents with errors that name the file, the path inside the document and the fix.
 * Loaders call these instead of casting, so a malformed document never surfaces as a bare TypeError.
 */
export class CelPolicyShapeError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${source}: ${path}: ${problem}. Fix: ${fix}`);
    this.name = 'CelPolicyShapeError';
  }
}

export interface ShapeContext {
  source: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fail(ctx: ShapeContext, path: string, problem: string, fix: string): never {
  throw new CelPolicyShapeError(ctx.source, path, problem, fix);
}

export function record(ctx: ShapeContext, v: unknown, path: string): Record<string, unknown> {
  if (!isRecord(v)) fail(ctx, path, `expected an object, found ${describe(v)}`, `write ${path} as a YAML mapping`);
  return v;
}

export function optionalRecord(ctx: ShapeContext, v: unknown, path: string): Record<string, unknown> | undefined {
  return v === undefined || v === null ? undefined : record(ctx, v, path);
}

export function string(ctx: ShapeContext, v: unknown, path: string): string {
  if (typeof v !== 'string' || v === '') fail(ctx, path, `expected a non-empty string, found ${describe(v)}`, `set ${path} to a string`);
  return v;
}

export function optionalString(ctx: ShapeContext, v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(ctx, path, `expected a string, found ${describe(v)}`, `set ${path} to a string or remove it`);
  return v;
}

export function optionalBool(ctx: ShapeContext, v: unknown, path: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') fail(ctx, path, `expected true or false, found ${describe(v)}`, `set ${path} to true or false`);
  return v;
}

export function list(ctx: ShapeContext, v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(ctx, path, `expected a list, found ${describe(v)}`, `write ${path} as a YAML sequence`);
  return v;
}

export function stringList(ctx: ShapeContext, v: unknown, path: string): string[] {
  return list(ctx, v, path).map((x, i) => {
    if (typeof x !== 'string') fail(ctx, `${path}[${i}]`, `expected a string, found ${describe(x)}`, 'quote the value');
    return x;
  });
}

export function oneOf<T extends string>(ctx: ShapeContext, v: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    fail(ctx, path, `unsupported value ${describe(v)}`, `use one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${JSON.stringify(typeof v === 'bigint' ? v.toString() : v)}`;
}
