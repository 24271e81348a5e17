/**
 * How a plain (unquoted, untagged) scalar resolves, as data: go-yaml v2's YAML 1.1 rules (what
 * kubectl, gator and kubectl-kyverno read through sigs.k8s.io/yaml) and the YAML 1.2 core schema
 * (what most other tools read). Timestamps stay strings under both: Go re-encodes them to JSON.
 */
export type Scalar = null | boolean | number | string;

/** A numeric text that resolved to an integer outside JavaScript's exact range. */
export interface Inexact {
  inexact: string;
}
/** .inf / .nan: floats JSON (and so kubectl) cannot carry. */
export interface NonJson {
  nonJson: string;
}
export type Resolved = Scalar | Inexact | NonJson;

export interface ScalarRules {
  nulls: ReadonlySet<string>;
  trues: ReadonlySet<string>;
  falses: ReadonlySet<string>;
  /** [pattern, prefix for BigInt] in the order tried; group 1 is the sign, group 2 the digits. */
  integers: readonly (readonly [RegExp, string])[];
  /** Whether `_` separators are dropped before reading a number (go-yaml v2 does). */
  underscores: boolean;
  float: RegExp;
  nonJsonFloat: RegExp;
}

const NULLS = ['', '~', 'null', 'Null', 'NULL'];
const BOOLS_12 = { trues: ['true', 'True', 'TRUE'], falses: ['false', 'False', 'FALSE'] };

export const GO_YAML_V2: ScalarRules = {
  nulls: new Set(NULLS),
  trues: new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', ...BOOLS_12.trues]),
  falses: new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', ...BOOLS_12.falses]),
  // Go strconv.ParseInt(s, 0, 64) prefixes; a leading 0 is octal.
  integers: [
    [/^([-+]?)0[xX]([0-9a-fA-F]+)$/, '0x'],
    [/^([-+]?)0[oO]([0-7]+)$/, '0o'],
    [/^([-+]?)0[bB]([01]+)$/, '0b'],
    [/^([-+]?)0([0-7]+)$/, '0o'],
    [/^([-+]?)([0-9]+)$/, ''],
  ],
  underscores: true,
  float: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  nonJsonFloat: /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
};

export const YAML_12_CORE: ScalarRules = {
  nulls: new Set(NULLS),
  trues: new Set(BOOLS_12.trues),
  falses: new Set(BOOLS_12.falses),
  integers: [
    [/^()0x([0-9a-fA-F]+)$/, '0x'],
    [/^()0o([0-7]+)$/, '0o'],
    [/^([-+]?)([0-9]+)$/, ''],
  ],
  underscores: false,
  float: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  nonJsonFloat: /^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/,
};

export function resolveInteger(rules: ScalarRules, text: string): number | Inexact | undefined {
  const plain = rules.underscores ? text.replace(/_/g, '') : text;
  for (const [re, prefix] of rules.integers) {
    const m = re.exec(plain);
    if (!m) continue;
    const big = BigInt(`${prefix}${m[2]}`) * (m[1] === '-' ? -1n : 1n);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) return { inexact: text };
    return Number(big);
  }
  return undefined;
}

export function resolveNumber(rules: ScalarRules, text: string): number | Inexact | NonJson | undefined {
  if (rules.nonJsonFloat.test(text)) return { nonJson: text };
  const int = resolveInteger(rules, text);
  if (int !== undefined) return int;
  const plain = text.startsWith('.') || !rules.underscores ? text : text.replace(/_/g, '');
  return rules.float.test(plain) ? Number(plain) : undefined;
}

export function resolvePlain(rules: ScalarRules, text: string): Resolved {
  if (rules.nulls.has(text)) return null;
  if (rules.trues.has(text)) return true;
  if (rules.falses.has(text)) return false;
  if (/^[-+.0-9]/.test(text)) {
    const n = resolveNumber(rules, text);
    if (n !== undefined) return n;
  }
  return text;
}

export const isScalarValue = (r: Resolved): r is Scalar => r === null || typeof r !== 'object';
