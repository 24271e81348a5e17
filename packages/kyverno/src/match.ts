/**
 * `match` / `exclude` of a rule (and of a PolicyException) — Kyverno's pkg/engine/utils/match.go.
 * Without admission user info (background scans, `kyverno test` without a userinfo file) the user filters
 * of *match* blocks are dropped, while those of *exclude* blocks are kept and cannot match.
 */
import { isObject, type JsonObject } from './json.js';
import { checkKind, type Gvk } from './kinds.js';
import { matchesSelector, type SelectorError } from './label-selector.js';
import type { UserInfo } from './types.js';
import { wildcardMatch } from './wildcard.js';

export interface MatchSubject {
  resource: JsonObject;
  gvk: Gvk;
  subresource: string;
  operation: string;
  namespaceLabels: Record<string, string>;
  /** Undefined means "no admission info" (the CLI without a userinfo file). */
  admission?: { userInfo: UserInfo; roles: string[]; clusterRoles: string[] };
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function metadata(r: JsonObject): JsonObject {
  const m = r['metadata'];
  return isObject(m) ? m : {};
}

const USER_KEYS = ['roles', 'clusterRoles', 'subjects'] as const;

function isEmptyDescription(d: unknown): boolean {
  if (!isObject(d)) return true;
  return Object.values(d).every(
    (v) => v === null || v === undefined || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0) || v === '',
  );
}

function isEmptyUser(filter: JsonObject): boolean {
  return USER_KEYS.every((k) => !Array.isArray(filter[k]) || (filter[k] as unknown[]).length === 0);
}

function checkSubjects(subjects: unknown, user: UserInfo): boolean {
  if (!Array.isArray(subjects)) return false;
  for (const s of subjects) {
    if (!isObject(s)) continue;
    const name = typeof s['name'] === 'string' ? s['name'] : '';
    switch (s['kind']) {
      case 'ServiceAccount':
        if (wildcardMatch(`system:serviceaccount:${String(s['namespace'] ?? '')}:${name}`, user.username ?? '')) return true;
        break;
      case 'Group':
        if ((user.groups ?? []).some((g) => wildcardMatch(name, g))) return true;
        break;
      case 'User':
        if (wildcardMatch(name, user.username ?? '')) return true;
        break;
    }
  }
  return false;
}

/** Reasons the block does not match (empty = matches). */
function blockFailures(desc: JsonObject, user: JsonObject, s: MatchSubject): string[] {
  const ops = strList(desc['operations']);
  if (ops.length > 0 && !ops.includes(s.operation)) return ['operation does not match'];
  const errs: string[] = [];
  const kinds = strList(desc['kinds']);
  if (kinds.length > 0 && !checkKind(kinds, s.gvk, s.subresource)) errs.push(`kind does not match ${JSON.stringify(kinds)}`);
  const md = metadata(s.resource);
  const kind = typeof s.resource['kind'] === 'string' ? s.resource['kind'] : '';
  const name = typeof md['name'] === 'string' && md['name'] !== '' ? md['name'] : typeof md['generateName'] === 'string' ? md['generateName'] : '';
  if (typeof desc['name'] === 'string' && desc['name'] !== '' && !wildcardMatch(desc['name'], name)) errs.push('name does not match');
  const names = strList(desc['names']);
  if (names.length > 0 && !names.some((n) => wildcardMatch(n, name))) errs.push('none of the names match');
  const namespaces = strList(desc['namespaces']);
  if (namespaces.length > 0) {
    const ns = kind === 'Namespace' ? name : typeof md['namespace'] === 'string' ? md['namespace'] : '';
    if (!namespaces.some((n) => wildcardMatch(n, ns))) errs.push('namespace does not match');
  }
  const annotations = strMap(desc['annotations']);
  if (Object.keys(annotations).length > 0) {
    const actual = strMap(md['annotations']);
    const ok = Object.entries(annotations).every(([k, v]) => Object.entries(actual).some(([k1, v1]) => wildcardMatch(k, k1) && wildcardMatch(v, v1)));
    if (!ok) errs.push('annotations does not match');
  }
  if (desc['selector'] !== undefined && desc['selector'] !== null) {
    try {
      if (!matchesSelector(desc['selector'], strMap(md['labels']))) errs.push('selector does not match');
    } catch (e) {
      errs.push(`failed to parse selector: ${(e as SelectorError).message}`);
    }
  }
  if (desc['namespaceSelector'] !== undefined && desc['namespaceSelector'] !== null) {
    if (kind === 'Namespace') errs.push('namespace selector is not applicable for namespace resource');
    else if (kind !== '') {
      try {
        if (!matchesSelector(desc['namespaceSelector'], s.namespaceLabels)) errs.push('namespace selector does not match labels');
      } catch (e) {
        errs.push(`failed to parse namespace selector: ${(e as SelectorError).message}`);
      }
    }
  }
  const roles = strList(user['roles']);
  const adm = s.admission ?? { userInfo: {}, roles: [], clusterRoles: [] };
  if (roles.length > 0 && !roles.some((r) => adm.roles.includes(r))) errs.push('user info does not match roles for the given conditionBlock');
  const clusterRoles = strList(user['clusterRoles']);
  if (clusterRoles.length > 0 && !clusterRoles.some((r) => adm.clusterRoles.includes(r))) {
    errs.push('user info does not match clustersRoles for the given conditionBlock');
  }
  if (Array.isArray(user['subjects']) && user['subjects'].length > 0 && !checkSubjects(user['subjects'], adm.userInfo)) {
    errs.push('user info does not match subject for the given conditionBlock');
  }
  return errs;
}

/** A `resources`+user filter entry of any/all, or the legacy top-level form. */
function filterParts(filter: JsonObject): { desc: JsonObject; user: JsonObject } {
  const desc = isObject(filter['resources']) ? filter['resources'] : {};
  return { desc, user: filter };
}

function matchHelper(filter: JsonObject, s: MatchSubject): string[] {
  let { desc, user } = filterParts(filter);
  if (!s.admission) user = {};
  if (isEmptyDescription(desc) && isEmptyUser(user)) return ['match cannot be empty'];
  return blockFailures(desc, user, s);
}

function excludeHelper(filter: JsonObject, s: MatchSubject): string[] {
  const { desc, user } = filterParts(filter);
  if (isEmptyDescription(desc) && isEmptyUser(user)) return [];
  const errs = blockFailures(desc, user, s);
  return errs.length === 0 ? ['resource excluded since one of the criteria excluded it'] : [];
}

function entries(block: JsonObject, key: 'any' | 'all'): JsonObject[] {
  const v = block[key];
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** MatchesResourceDescription: undefined when the rule applies, else the reasons it does not. */
export function matchRule(match: unknown, exclude: unknown, s: MatchSubject, policyNamespace?: string): string[] | undefined {
  const md = metadata(s.resource);
  const resourceNs = typeof md['namespace'] === 'string' ? md['namespace'] : '';
  if (policyNamespace && policyNamespace !== resourceNs) return ['policy and resource namespaces mismatch'];
  const m = isObject(match) ? match : {};
  const reasons: string[] = [];
  const any = entries(m, 'any');
  const all = entries(m, 'all');
  if (any.length > 0) {
    if (!any.some((f) => matchHelper(f, s).length === 0)) reasons.push('no resource matched');
  } else if (all.length > 0) {
    for (const f of all) reasons.push(...matchHelper(f, s));
  } else {
    reasons.push(...matchHelper(m, s));
  }
  if (reasons.length === 0 && isObject(exclude)) {
    const eany = entries(exclude, 'any');
    const eall = entries(exclude, 'all');
    if (eany.length > 0) {
      for (const f of eany) reasons.push(...excludeHelper(f, s));
    } else if (eall.length > 0) {
      if (eall.every((f) => excludeHelper(f, s).length > 0)) {
        reasons.push('resource excluded since the combination of all criteria exclude it');
      }
    } else {
      reasons.push(...excludeHelper(exclude, s));
    }
  }
  return reasons.length > 0 ? reasons : undefined;
}

/** A PolicyException `match` block (checkMatchesResources): any/all of filters; user filters always kept. */
export function matchException(match: unknown, s: MatchSubject): boolean {
  if (!isObject(match)) return false;
  const check = (f: JsonObject): boolean => {
    const { desc, user } = filterParts(f);
    if (isEmptyDescription(desc) && isEmptyUser(user)) return false;
    return blockFailures(desc, user, s).length === 0;
  };
  const any = entries(match, 'any');
  if (any.length > 0) return any.some(check);
  const all = entries(match, 'all');
  if (all.length > 0) return all.every(check);
  return false;
}
