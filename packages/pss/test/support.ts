import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { sharedDir } from '../../../test/support/shared.js';

export interface PsaFixture {
  readonly file: string;
  readonly level: 'baseline' | 'restricted';
  readonly version: string;
  readonly expect: 'pass' | 'fail';
  readonly check: string;
  readonly control: string | null;
  readonly check_level?: 'baseline' | 'restricted';
  readonly sha256: string;
  readonly evaluated_at_restricted_by?: string;
  readonly upstream_error_substring?: string;
}

function isFixture(value: unknown): value is PsaFixture {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['file'] === 'string' &&
    (v['level'] === 'baseline' || v['level'] === 'restricted') &&
    typeof v['version'] === 'string' &&
    (v['expect'] === 'pass' || v['expect'] === 'fail') &&
    typeof v['check'] === 'string' &&
    typeof v['sha256'] === 'string'
  );
}

/** `/work/shared/conformance/psa/index.json`: upstream PSA testdata v1.37 (see its README). */
export function loadPsaIndex(): PsaFixture[] {
  const raw: unknown = JSON.parse(readFileSync(sharedDir('conformance', 'psa', 'index.json'), 'utf8'));
  if (!Array.isArray(raw)) throw new Error('conformance/psa/index.json: expected a JSON array');
  return raw.map((entry: unknown, i) => {
    if (!isFixture(entry)) throw new Error(`conformance/psa/index.json[${i}]: not a fixture entry`);
    return entry;
  });
}

export function readFixtureText(file: string): string {
  return readFileSync(sharedDir('conformance', 'psa', file), 'utf8');
}

export function parseYaml(text: string): unknown {
  return parse(text) as unknown;
}

/** Reads a Go `field.Path` string (`spec.containers[0].x`, `metadata.annotations[a/b.c]`) in `root`. */
export function resolveField(root: unknown, field: string): unknown {
  let node: unknown = root;
  for (const match of field.matchAll(/\.?([^.[\]]+)|\[([^\]]+)\]/g)) {
    const key = match[1] ?? match[2] ?? '';
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) && /^\d+$/.test(key) ? node[Number(key)] : (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Returns a deep copy of `root` with the Go-style field path set to `value` (intermediate objects and
 *  list slots are created; `undefined` deletes the field). */
export function withField<T>(root: T, field: string, value: unknown): T {
  const copy = structuredClone(root) as unknown;
  const keys = [...field.matchAll(/\.?([^.[\]]+)|\[([^\]]+)\]/g)].map((m) => m[1] ?? m[2] ?? '');
  let node = copy as Record<string, unknown>;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    if (last) {
      if (value === undefined) delete node[key];
      else node[key] = value;
      return;
    }
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = /^\d+$/.test(keys[i + 1] ?? '') ? [] : {};
    node = node[key] as Record<string, unknown>;
  });
  return copy as T;
}

/** Applies several `withField` edits. */
export function withFields<T>(root: T, fields: Readonly<Record<string, unknown>>): T {
  return Object.entries(fields).reduce((acc, [field, value]) => withField(acc, field, value), root);
}

/** The minimal valid Pod upstream generates for a level at v1.37 (`<level>/v1.37/pass/base.yaml`). */
export function basePod(level: 'baseline' | 'restricted'): unknown {
  return parseYaml(readFixtureText(`${level}/v1.37/pass/base.yaml`));
}
