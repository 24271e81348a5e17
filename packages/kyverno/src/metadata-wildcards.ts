/**
 * Kyverno's wildcards.ExpandInMetadata: a wildcard key under `metadata.labels` / `metadata.annotations` of a
 * pattern is replaced by the first resource key it matches, so `container.apparmor…/*` checks one concrete
 * annotation. Only string-valued pattern entries survive the rewrite, as upstream. Upstream iterates a Go map
 * (random order) when several resource keys match; we take the resource's key order, which is deterministic.
 */
import { parseAnchor, anchorString } from './anchor.js';
import { isObject, type JsonObject } from './json.js';
import { containsWildcard, wildcardMatch } from './wildcard.js';

function findTag(tag: string, map: JsonObject): [string, unknown] | undefined {
  for (const [k, v] of Object.entries(map)) {
    if (k === tag || parseAnchor(k)?.key === tag) return [k, v];
  }
  return undefined;
}

function stringMap(tag: string, data: unknown): [string, Record<string, string>] | undefined {
  if (!isObject(data)) return undefined;
  const found = findTag(tag, data);
  if (!found || !isObject(found[1])) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(found[1])) if (typeof v === 'string') out[k] = v;
  return [found[0], out];
}

function firstMatchingKey(pattern: string, resource: Record<string, string>): string {
  return Object.keys(resource).find((k) => wildcardMatch(pattern, k)) ?? pattern;
}

function expandTag(tag: string, patternMetadata: unknown, resourceMetadata: unknown): [string, JsonObject] | undefined {
  const p = stringMap(tag, patternMetadata);
  if (!p) return undefined;
  const r = stringMap(tag, resourceMetadata);
  if (!r) return undefined;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(p[1])) {
    if (!containsWildcard(k)) {
      out[k] = v;
      continue;
    }
    const a = parseAnchor(k);
    if (a) out[anchorString(a.type, firstMatchingKey(a.key, r[1]))] = v;
    else out[firstMatchingKey(k, r[1])] = v;
  }
  return [p[0], out];
}

/** Returns the pattern map to use at this level (a rewritten copy when metadata wildcards were expanded). */
export function expandInMetadata(patternMap: JsonObject, resourceMap: JsonObject): JsonObject {
  const found = findTag('metadata', patternMap);
  if (!found || !isObject(found[1])) return patternMap;
  const resourceMetadata = resourceMap['metadata'];
  if (resourceMetadata === undefined || resourceMetadata === null) return patternMap;
  const metadata: JsonObject = { ...found[1] };
  const labels = expandTag('labels', found[1], resourceMetadata);
  if (labels) metadata[labels[0]] = labels[1];
  const annotations = expandTag('annotations', found[1], resourceMetadata);
  if (annotations) metadata[annotations[0]] = annotations[1];
  return { ...patternMap, [found[0]]: metadata };
}
