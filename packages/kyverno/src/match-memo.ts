/**
 * Remembered match answers for rules whose match block can only look at the request's kind, subresource,
 * operation and namespace: `resources` filters with nothing but `kinds` and `operations`, and no `exclude`
 * (every rule podsec emits, and autogen's controller copies). For those, matchRule's answer is a function of
 * that key, so it is computed once per key and rule instead of once per request and rule — matching was a
 * third of evaluating such a policy. Any other rule goes to matchRule every time.
 */
import { isObject, type JsonObject } from './json.js';
import { matchRule, type MatchSubject } from './match.js';

type Answer = string[] | undefined;

/** The filter fields a remembered rule may use; anything else (names, selectors, user info) reads the request. */
const KEYED_RESOURCE_FIELDS = new Set(['kinds', 'operations']);
/** Distinct keys kept per rule: a handful of kinds × operations in practice; a bound against odd inputs. */
const MAX_KEYS_PER_RULE = 256;

const memo = new WeakMap<JsonObject, Map<string, Answer> | null>();

function keyedFilter(f: unknown): boolean {
  if (!isObject(f)) return false;
  const keys = Object.keys(f);
  if (keys.length !== 1 || keys[0] !== 'resources') return false;
  const res = f['resources'];
  return isObject(res) && Object.keys(res).every((k) => KEYED_RESOURCE_FIELDS.has(k));
}

function isKeyed(rule: JsonObject): boolean {
  if (rule['exclude'] !== undefined && rule['exclude'] !== null) return false;
  const match = rule['match'];
  if (!isObject(match)) return false;
  const blocks = Object.keys(match);
  if (blocks.length === 1 && blocks[0] === 'resources') return keyedFilter(match);
  return blocks.every((b) => (b === 'any' || b === 'all') && Array.isArray(match[b]) && (match[b] as unknown[]).every(keyedFilter));
}

/** What a keyed rule's answer can depend on, for one request. */
export function matchKey(s: MatchSubject, policyNamespace: string | undefined): string {
  const md = s.resource['metadata'];
  const ns = isObject(md) && typeof md['namespace'] === 'string' ? md['namespace'] : '';
  return `${s.gvk.group}\u0000${s.gvk.version}\u0000${s.gvk.kind}\u0000${s.subresource}\u0000${s.operation}\u0000${policyNamespace ?? ''}\u0000${ns}`;
}

/** matchRule(rule.match, rule.exclude, …), remembered by `key` (from matchKey) for rules that allow it. */
export function matchRuleKeyed(rule: JsonObject, s: MatchSubject, policyNamespace: string | undefined, key: string): Answer {
  let answers = memo.get(rule);
  if (answers === undefined) {
    answers = isKeyed(rule) ? new Map() : null;
    memo.set(rule, answers);
  }
  if (answers === null) return matchRule(rule['match'], rule['exclude'], s, policyNamespace);
  if (answers.has(key)) return answers.get(key);
  const answer = matchRule(rule['match'], rule['exclude'], s, policyNamespace);
  if (answers.size >= MAX_KEYS_PER_RULE) answers.clear();
  answers.set(key, answer);
  return answer;
}
