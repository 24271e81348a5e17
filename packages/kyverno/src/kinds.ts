/** Kind selectors (`Pod`, `apps/v1/Deployment`, `Deployment/scale`, `batch/v1beta1/CronJob`, wildcards) — Kyverno pkg/utils/kube. */
import { wildcardMatch } from './wildcard.js';

const VERSION_RE = /^(v\d+((alpha|beta)\d+)?|\*)$/;

export interface KindSelector {
  group: string;
  version: string;
  kind: string;
  subresource: string;
}

const parsedSelectors = new Map<string, KindSelector | undefined>();

export function parseKindSelector(input: string): KindSelector | undefined {
  if (parsedSelectors.has(input)) return parsedSelectors.get(input);
  const parsed = parseUncached(input);
  if (parsedSelectors.size < 10_000) parsedSelectors.set(input, parsed);
  return parsed;
}

function parseUncached(input: string): KindSelector | undefined {
  const slash = input.split('/');
  const last = slash.pop() ?? '';
  const parts = [...slash, ...last.split('.')];
  const [a, b, c, d] = parts as [string, string?, string?, string?];
  switch (parts.length) {
    case 1:
      return { group: '*', version: '*', kind: a, subresource: '' };
    case 2:
      if (a === '*' && b === '*') return { group: '*', version: '*', kind: '*', subresource: '*' };
      if (a === '*' && b?.toLowerCase() === b) return { group: '*', version: '*', kind: a, subresource: b ?? '' };
      if (VERSION_RE.test(a)) return { group: '*', version: a, kind: b ?? '', subresource: '' };
      return { group: '*', version: '*', kind: a, subresource: b ?? '' };
    case 3:
      if (VERSION_RE.test(a)) return { group: '*', version: a, kind: b ?? '', subresource: c ?? '' };
      return { group: a, version: b ?? '', kind: c ?? '', subresource: '' };
    case 4:
      return { group: a, version: b ?? '', kind: c ?? '', subresource: d ?? '' };
    default:
      return undefined;
  }
}

export interface Gvk {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(apiVersion: unknown, kind: unknown): Gvk {
  const av = typeof apiVersion === 'string' ? apiVersion : '';
  const i = av.indexOf('/');
  return {
    group: i >= 0 ? av.slice(0, i) : '',
    version: i >= 0 ? av.slice(i + 1) : av,
    kind: typeof kind === 'string' ? kind : '',
  };
}

/** matchutils.CheckKind: a Pod's `ephemeralcontainers` subresource also matches a plain `Pod` selector. */
export function checkKind(kinds: readonly string[], gvk: Gvk, subresource: string): boolean {
  for (const k of kinds) {
    const s = parseKindSelector(k);
    if (!s) continue;
    if (wildcardMatch(s.group, gvk.group) && wildcardMatch(s.version, gvk.version) && wildcardMatch(s.kind, gvk.kind)) {
      if (wildcardMatch(s.subresource, subresource)) return true;
      if (gvk.group === '' && gvk.version === 'v1' && gvk.kind === 'Pod' && subresource === 'ephemeralcontainers') return true;
    }
  }
  return false;
}

export function containsKind(kinds: readonly string[], kind: string): boolean {
  return kinds.some((k) => parseKindSelector(k)?.kind === kind);
}
