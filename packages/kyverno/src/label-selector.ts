/** metav1.LabelSelector matching, with Kyverno's wildcard expansion of matchLabels (wildcards.ReplaceInSelector). */
import { labelRequirementHolds } from '@podsec/ir';
import { isObject } from './json.js';
import { containsWildcard, wildcardMatch } from './wildcard.js';

export class SelectorError extends Error {}

function expandMatchLabels(matchLabels: Record<string, unknown>, labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(matchLabels)) {
    const v = String(raw ?? '');
    if (!containsWildcard(k) && !containsWildcard(v)) {
      out[k] = v;
      continue;
    }
    const hit = Object.entries(labels).find(([lk, lv]) => wildcardMatch(k, lk) && wildcardMatch(v, lv));
    if (hit) out[hit[0]] = hit[1];
    else out[k.replace(/[*?]/g, '0')] = v.replace(/[*?]/g, '0');
  }
  return out;
}

export function matchesSelector(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  const ml = selector['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isObject(ml)) throw new SelectorError('matchLabels must be a map');
    for (const [k, v] of Object.entries(expandMatchLabels(ml, labels))) if (labels[k] !== v) return false;
  }
  const exprs = selector['matchExpressions'];
  if (exprs !== undefined && exprs !== null) {
    if (!Array.isArray(exprs)) throw new SelectorError('matchExpressions must be a list');
    for (const e of exprs) {
      if (!isObject(e) || typeof e['key'] !== 'string') throw new SelectorError('a matchExpression needs a key');
      const key = e['key'];
      const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
      const operator = e['operator'];
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')
        throw new SelectorError(`"${String(operator)}" is not a valid label selector operator`);
      if ((operator === 'In' || operator === 'NotIn') && values.length === 0) throw new SelectorError(`values: must be specified when operator is ${operator}`);
      if (!labelRequirementHolds(labels, { key, operator, values })) return false;
    }
  }
  return true;
}
