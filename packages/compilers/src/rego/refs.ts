/**
 * Reference paths as Rego text: `x.spec.hostNetwork`, with bracket keys for anything that is not
 * a plain identifier (keys with dashes or dots, Rego keywords).
 */
import { regoString } from './strings.js';

const KEYWORDS = new Set([
  'as',
  'contains',
  'data',
  'default',
  'else',
  'every',
  'false',
  'if',
  'import',
  'in',
  'input',
  'not',
  'null',
  'package',
  'some',
  'true',
  'with',
]);

export function regoRef(base: string, path: readonly string[]): string {
  return path.map((key) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !KEYWORDS.has(key) ? `.${key}` : `[${regoString(key)}]`)).reduce((acc, k) => acc + k, base);
}
