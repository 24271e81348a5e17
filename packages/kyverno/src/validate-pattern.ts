/**
 * Structural pattern matching with anchors — Kyverno's pkg/engine/validate (MatchPattern) and the anchor
 * handlers of pkg/engine/anchor. The outcome is pass, skip (a conditional/global anchor did not hold), fail
 * with the pattern path that failed, or error (failed while an anchor key was absent from the resource).
 */
import { parseAnchor, isLeadingAnchor, type Anchor } from './anchor.js';
import { goTypeName, isObject, type JsonObject } from './json.js';
import { expandInMetadata } from './metadata-wildcards.js';
import { validateValue } from './pattern-value.js';

type AnchorErrorKind = 'conditional' | 'global' | 'negation';

const ANCHOR_MESSAGES: Record<AnchorErrorKind, string> = {
  conditional: 'conditional anchor mismatch',
  global: 'global anchor mismatch',
  negation: 'negation anchor matched in resource',
};

/** An error while walking the pattern; `anchor` marks Kyverno's typed validateAnchorError. */
class WalkError {
  constructor(
    readonly message: string,
    readonly anchor?: AnchorErrorKind,
    /** A PatternError{Skip: true} produced by a nested map/array whose every branch was skipped. */
    readonly nestedSkip = false,
  ) {}
}

function anchorError(kind: AnchorErrorKind, msg: string): WalkError {
  return new WalkError(`${ANCHOR_MESSAGES[kind]}: ${msg}`, kind);
}

/** anchor.IsConditionalAnchorError / IsGlobalAnchorError: typed errors by code, others by message text. */
function isSkip(e: WalkError): boolean {
  if (e.anchor) return e.anchor === 'conditional' || e.anchor === 'global';
  return e.message.includes(ANCHOR_MESSAGES.conditional) || e.message.includes(ANCHOR_MESSAGES.global);
}

function isNegationFailure(e: WalkError): boolean {
  if (e.anchor) return e.anchor === 'negation';
  return e.message.includes(ANCHOR_MESSAGES.negation);
}

type Walk = { path: string; error: WalkError } | undefined;

/** Tracks whether the keys of condition/existence/negation anchors were ever present (anchor.AnchorMap). */
class AnchorPresence {
  private readonly seen = new Map<string, boolean>();

  record(pattern: JsonObject, resource: JsonObject): void {
    for (const key of Object.keys(pattern)) {
      const a = parseAnchor(key);
      if (!a || !(a.type === 'condition' || a.type === 'existence' || a.type === 'negation')) continue;
      if (this.seen.get(key) === true) continue;
      this.seen.set(key, Object.hasOwn(resource, a.key));
    }
  }

  keysAreMissing(): boolean {
    for (const [k, present] of this.seen) {
      if (!present && parseAnchor(k)?.type !== 'negation') return true;
    }
    return false;
  }
}

export type PatternOutcome =
  | { status: 'pass' }
  | { status: 'skip'; message: string }
  | { status: 'fail'; path: string; message: string }
  | { status: 'error'; message: string };

export function matchPattern(resource: unknown, pattern: unknown): PatternOutcome {
  const ac = new AnchorPresence();
  const r = validateElement(resource, pattern, '/', ac);
  if (!r) return { status: 'pass' };
  if (isSkip(r.error)) return { status: 'skip', message: r.error.message };
  if (isNegationFailure(r.error)) return { status: 'fail', path: r.path, message: r.error.message };
  if (ac.keysAreMissing()) return { status: 'error', message: r.error.message };
  if (r.path === '') return { status: 'error', message: r.error.message };
  return { status: 'fail', path: r.path, message: r.error.message };
}

function isScalar(v: unknown): boolean {
  return v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

function validateElement(resource: unknown, pattern: unknown, path: string, ac: AnchorPresence): Walk {
  if (isObject(pattern)) {
    if (!isObject(resource)) {
      return {
        path,
        error: new WalkError(`pattern and resource have different structures. Path: ${path}. Expected map[string]interface {}, found ${goTypeName(resource)}`),
      };
    }
    ac.record(pattern, resource);
    return validateMap(resource, pattern, path, ac);
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(resource)) {
      return {
        path,
        error: new WalkError(`validation rule failed at path ${path}, resource does not satisfy the expected overlay pattern`),
      };
    }
    return validateArray(resource, pattern, path, ac);
  }
  if (isScalar(pattern)) {
    // A scalar pattern against a list checks every element.
    const values = Array.isArray(resource) ? resource : [resource];
    for (const v of values) {
      if (!validateValue(v, pattern)) {
        return {
          path,
          error: new WalkError(`resource value '${String(resource)}' does not match '${String(pattern)}' at path ${path}`),
        };
      }
    }
    return undefined;
  }
  return { path, error: new WalkError(`failed at '${path}', pattern contains unknown type`) };
}

function handleKey(key: string, anchor: Anchor | undefined, patternValue: unknown, resourceMap: JsonObject, path: string, ac: AnchorPresence): Walk {
  if (!anchor || anchor.type === 'addIfNotPresent') {
    // Plain key (and `+()`, which validate treats as a literal key, see loadKyvernoPolicy which rejects it).
    const current = `${path}${key}/`;
    const value = resourceMap[key];
    if (patternValue === '*') {
      return value !== undefined && value !== null ? undefined : { path, error: new WalkError(`${path}/${key} not found`) };
    }
    return validateElement(value, patternValue, current, ac);
  }
  const current = `${path}${anchor.key}/`;
  const present = Object.hasOwn(resourceMap, anchor.key);
  const value = resourceMap[anchor.key];
  switch (anchor.type) {
    case 'negation':
      return present ? { path: current, error: anchorError('negation', `${current} is not allowed`) } : undefined;
    case 'equality':
      return present ? validateElement(value, patternValue, current, ac) : undefined;
    case 'condition': {
      if (!present) return { path: current, error: anchorError('conditional', "conditional anchor key doesn't exist in the resource") };
      const r = validateElement(value, patternValue, current, ac);
      return r ? { path: r.path, error: anchorError('conditional', r.error.message) } : undefined;
    }
    case 'global': {
      if (!present) return undefined;
      const r = validateElement(value, patternValue, current, ac);
      return r ? { path: r.path, error: anchorError('global', r.error.message) } : undefined;
    }
    case 'existence':
      return handleExistence(value, present, patternValue, current, ac);
  }
}

function handleExistence(value: unknown, present: boolean, patternValue: unknown, current: string, ac: AnchorPresence): Walk {
  if (!present) return undefined;
  if (!Array.isArray(value)) {
    return {
      path: current,
      error: new WalkError(`invalid resource type ${goTypeName(value)}: Existence ^ () anchor can be used only on list/array type resource`),
    };
  }
  if (!Array.isArray(patternValue)) {
    return { path: current, error: new WalkError(`invalid pattern type ${goTypeName(patternValue)}: Pattern has to be of list to compare against resource`) };
  }
  for (const p of patternValue) {
    if (!isObject(p)) {
      return {
        path: current,
        error: new WalkError(`invalid pattern type ${goTypeName(p)}: Pattern has to be of type map to compare against items in resource`),
      };
    }
    // At least one element of the resource list must match each pattern map.
    const ok = value.some((el, i) => validateElement(el, p, `${current}${i}/`, ac) === undefined);
    if (!ok) return { path: current, error: new WalkError(`existence anchor validation failed at path ${current}`) };
  }
  return undefined;
}

/** Plain keys: global anchors first, then keys holding nested anchors, then the rest — each group sorted. */
function orderPlainKeys(keys: string[], pattern: JsonObject): string[] {
  const sorted = [...keys].sort();
  const front: string[] = [];
  const back: string[] = [];
  for (const k of sorted) {
    if (parseAnchor(k)?.type === 'global' || hasNestedAnchors(pattern[k])) front.unshift(k);
    else back.push(k);
  }
  return [...front, ...back];
}

function hasNestedAnchors(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasNestedAnchors);
  if (!isObject(v)) return false;
  for (const [k, child] of Object.entries(v)) {
    const a = parseAnchor(k);
    if (a && a.type !== 'addIfNotPresent') return true;
    if (hasNestedAnchors(child)) return true;
  }
  return false;
}

function validateMap(resourceMap: JsonObject, rawPattern: JsonObject, path: string, ac: AnchorPresence): Walk {
  const pattern = expandInMetadata(rawPattern, resourceMap);
  const anchorKeys: string[] = [];
  const plainKeys: string[] = [];
  for (const k of Object.keys(pattern)) (isLeadingAnchor(parseAnchor(k)) ? anchorKeys : plainKeys).push(k);
  anchorKeys.sort();

  const skipErrors: WalkError[] = [];
  let applyCount = 0;
  // A direct anchor skip (not a nested PatternError) masks later anchor failures at this level.
  const directSkipSeen = (): boolean => skipErrors.some((e) => !e.nestedSkip);
  for (const key of anchorKeys) {
    const r = handleKey(key, parseAnchor(key), pattern[key], resourceMap, path, ac);
    if (r) {
      if (isSkip(r.error)) {
        skipErrors.push(r.error);
        continue;
      }
      if (!directSkipSeen()) return r;
      continue;
    }
    applyCount++;
  }
  if (skipErrors.length > 0 && (applyCount === 0 || directSkipSeen())) {
    return { path, error: new WalkError(skipErrors.map((e) => e.message).join('; '), undefined, true) };
  }
  for (const key of orderPlainKeys(plainKeys, pattern)) {
    const r = handleKey(key, parseAnchor(key), pattern[key], resourceMap, path, ac);
    if (r) return r;
  }
  return undefined;
}

function validateArray(resource: unknown[], pattern: unknown[], path: string, ac: AnchorPresence): Walk {
  if (pattern.length === 0) return { path, error: new WalkError('pattern Array empty') };
  const first = pattern[0];
  if (isObject(first)) return validateArrayOfMaps(resource, first, path, ac);
  if (isScalar(first)) return validateElement(resource, first, path, ac);
  // A list of lists: positional comparison.
  if (resource.length < pattern.length) {
    return {
      path: '',
      error: new WalkError(`validate Array failed, array length mismatch, resource Array len is ${resource.length} and pattern Array len is ${pattern.length}`),
    };
  }
  return validateElements(pattern.length, (i) => [resource[i], pattern[i]], path, ac);
}

function validateArrayOfMaps(resource: unknown[], pattern: JsonObject, path: string, ac: AnchorPresence): Walk {
  return validateElements(resource.length, (i) => [resource[i], pattern], path, ac);
}

/**
 * Validates elements 0..count-1 (each a resource element and its pattern): the first real failure
 * wins; when every element was skipped by a conditional anchor, the list as a whole is skipped.
 */
function validateElements(count: number, element: (i: number) => [unknown, unknown], path: string, ac: AnchorPresence): Walk {
  const skipErrors: WalkError[] = [];
  let applyCount = 0;
  for (let i = 0; i < count; i++) {
    const [res, pat] = element(i);
    const r = validateElement(res, pat, `${path}${i}/`, ac);
    if (r) {
      if (isSkip(r.error)) {
        skipErrors.push(r.error);
        continue;
      }
      return r;
    }
    applyCount++;
  }
  if (applyCount === 0 && skipErrors.length > 0) {
    return { path, error: new WalkError(skipErrors.map((e) => e.message).join('; '), undefined, true) };
  }
  return undefined;
}
