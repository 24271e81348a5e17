import { labelRequirementHolds } from '@podsec/ir';
import { fail, isRecord, list, optionalRecord, string, stringList, type ShapeContext } from './shape.js';

/** metav1.LabelSelector. An absent selector and an empty one both match everything. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

export function readLabelSelector(ctx: ShapeContext, v: unknown, path: string): LabelSelector | undefined {
  const r = optionalRecord(ctx, v, path);
  if (!r) return undefined;
  const matchLabels: Record<string, string> = {};
  const ml = optionalRecord(ctx, r.matchLabels, `${path}.matchLabels`) ?? {};
  for (const [k, val] of Object.entries(ml)) matchLabels[k] = string(ctx, val, `${path}.matchLabels.${k}`);
  const matchExpressions = list(ctx, r.matchExpressions, `${path}.matchExpressions`).map((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (!isRecord(e)) return fail(ctx, p, 'expected an object', 'write {key, operator, values}');
    const operator = string(ctx, e.operator, `${p}.operator`);
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      fail(ctx, `${p}.operator`, `unknown operator ${JSON.stringify(operator)}`, `use one of ${OPERATORS.join(', ')}`);
    }
    const values = stringList(ctx, e.values, `${p}.values`);
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0) fail(ctx, `${p}.values`, `${operator} needs at least one value`, 'add values');
    if (!needsValues && values.length > 0) fail(ctx, `${p}.values`, `${operator} takes no values`, 'remove values');
    return { key: string(ctx, e.key, `${p}.key`), operator: operator as LabelSelectorRequirement['operator'], values };
  });
  return { matchLabels, matchExpressions };
}

export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  return selector.matchExpressions.every((req) => labelRequirementHolds(labels, req));
}

/** metadata.labels of an object as a string map (non-string values are ignored, as the apiserver would reject them). */
export function labelsOf(obj: Record<string, unknown> | null | undefined): Record<string, string> {
  const md = obj?.metadata;
  if (!isRecord(md) || !isRecord(md.labels)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(md.labels)) if (typeof v === 'string') out[k] = v;
  return out;
}
