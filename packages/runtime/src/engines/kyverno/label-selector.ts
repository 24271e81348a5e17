/** metav1.LabelSelector matching, with Kyverno's wildcard expansion of matchLabels (wildcards.ReplaceInSelector). */
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
      const has = Object.prototype.hasOwnProperty.call(labels, key);
      switch (e['operator']) {
        case 'In':
          if (values.length === 0) throw new SelectorError(`values: must be specified when operator is In`);
          if (!has || !values.includes(labels[key] as string)) return false;
          break;
        case 'NotIn':
          if (values.length === 0) throw new SelectorError(`values: must be specified when operator is NotIn`);
          if (has && values.includes(labels[key] as string)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
        default:
          throw new SelectorError(`"${String(e['operator'])}" is not a valid label selector operator`);
      }
    }
  }
  return true;
}
