/**
 * What the API server does to an object before admission sees it, for the parts podsec reads: it
 * decodes into typed structs, so an explicit `null` is the same as leaving the field out, and a
 * value of the wrong type is refused. `podsec eval` and `verify --fixtures` pass every engine the
 * normalised object, so all of them judge what the cluster would store.
 */
import { CONTAINER_KINDS, FIELDS, POD_KINDS, servedApiVersion, type ValueType } from '@podsec/ir';
import { FixtureLoadError } from '../fixtures/errors.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What each shape must be, and the fix a message suggests. */
const SHAPES: Readonly<Record<ValueType, { holds: (v: unknown) => boolean; what: string }>> = {
  boolean: { holds: (v) => typeof v === 'boolean', what: 'a boolean (true or false)' },
  integer: { holds: (v) => Number.isInteger(v), what: 'an integer' },
  string: { holds: (v) => typeof v === 'string', what: 'a string' },
  'string[]': { holds: (v) => Array.isArray(v) && v.every((x) => typeof x === 'string'), what: 'a list of strings' },
  'integer[]': { holds: (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x)), what: 'a list of integers' },
  object: { holds: isObj, what: 'a mapping' },
  'object[]': { holds: (v) => Array.isArray(v) && v.every(isObj), what: 'a list of mappings' },
  'string-map': { holds: (v) => isObj(v) && Object.values(v).every((x) => typeof x === 'string'), what: 'a mapping of strings to strings' },
};

type PathShape = readonly [path: readonly string[], type: ValueType];

/** Shapes below any object's root, below a Pod template and below a container. */
const OBJECT_SHAPES: readonly PathShape[] = [
  [['apiVersion'], 'string'],
  [['kind'], 'string'],
  [['metadata'], 'object'],
  [['metadata', 'name'], 'string'],
  [['metadata', 'namespace'], 'string'],
  [['metadata', 'annotations'], 'string-map'],
  [['metadata', 'labels'], 'string-map'],
];
const TEMPLATE_SHAPES: readonly PathShape[] = [
  [['metadata'], 'object'],
  [['metadata', 'annotations'], 'string-map'],
  [['metadata', 'labels'], 'string-map'],
  [['spec'], 'object'],
  [['spec', 'securityContext'], 'object'],
  ...CONTAINER_KINDS.map((k): PathShape => [['spec', k], 'object[]']),
  ...Object.values(FIELDS).flatMap((f): PathShape[] => (f.pod ? [[f.pod, f.type]] : [])),
];
const CONTAINER_SHAPES: readonly PathShape[] = [
  [['name'], 'string'],
  [['image'], 'string'],
  [['securityContext'], 'object'],
  [['securityContext', 'capabilities'], 'object'],
  [['ports'], 'object[]'],
  ...Object.values(FIELDS).flatMap((f): PathShape[] => (f.container ? [[f.container, f.type]] : [])),
];

/** Maps of strings: a null value decodes to "" (Go's zero string), the key stays. */
const STRING_MAP_KEYS = new Set(['annotations', 'labels', 'nodeSelector']);

const show = (path: readonly (string | number)[]) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('') || '.';
const describe = (v: unknown) => {
  const text = JSON.stringify(v) ?? String(v);
  const kind = Array.isArray(v) ? 'a list' : v === null ? 'null' : typeof v === 'object' ? 'a mapping' : `a ${typeof v}`;
  return `${kind} (${text.length > 40 ? `${text.slice(0, 40)}…` : text})`;
};

/** Drops null-valued keys (null inside a list is refused: Go would decode a zero value there). */
function stripNulls(value: unknown, path: (string | number)[], where: string): unknown {
  if (Array.isArray(value))
    return value.map((item, i) => {
      if (item === null)
        throw new FixtureLoadError(
          `${where}: ${show([...path, i])} is null; the API server would decode an empty value there, which no tool reads the same way. Fix: remove the item.`,
        );
      return stripNulls(item, [...path, i], where);
    });
  if (!isObj(value)) return value;
  const out: Obj = {};
  const stringMap = STRING_MAP_KEYS.has(String(path.at(-1)));
  for (const [k, v] of Object.entries(value)) {
    if (v === null) {
      if (stringMap) out[k] = '';
      continue;
    }
    out[k] = stripNulls(v, [...path, k], where);
  }
  return out;
}

function checkShapes(root: unknown, shapes: readonly PathShape[], prefix: (string | number)[], where: string): void {
  for (const [path, type] of shapes) {
    let cur: unknown = root;
    for (let i = 0; i < path.length && cur !== undefined; i++) {
      if (!isObj(cur))
        throw new FixtureLoadError(
          `${where}: ${show([...prefix, ...path.slice(0, i)])} is ${describe(cur)}, but the API server requires a mapping there. Fix: correct the field's type.`,
        );
      cur = cur[path[i]!];
    }
    if (cur !== undefined && !SHAPES[type].holds(cur))
      throw new FixtureLoadError(
        `${where}: ${show([...prefix, ...path])} is ${describe(cur)}, but the API server requires ${SHAPES[type].what} there and would refuse the object. Fix: correct the field's type (quote strings, write numbers and booleans unquoted).`,
      );
  }
}

/**
 * The object as admission would see it: nulls dropped, and refused (with `where`, the path and a
 * fix) when a field podsec reads has the wrong type or a Pod kind has an apiVersion the API server
 * does not serve.
 */
export function normalizeObject(object: Obj, where: string): Obj {
  const out = stripNulls(object, [], where) as Obj;
  checkShapes(out, OBJECT_SHAPES, [], where);
  const spec = POD_KINDS.find((k) => k.kind === out.kind);
  if (!spec) return out;
  const served = servedApiVersion(spec);
  if (out.apiVersion !== served)
    throw new FixtureLoadError(
      `${where}: ${spec.kind} with apiVersion ${JSON.stringify(out.apiVersion ?? null)}: podsec evaluates ${spec.kind} only as ${served}, the version the API server serves (older versions such as extensions/v1beta1, apps/v1beta2 and batch/v1beta1 are no longer served, so a cluster refuses them). Fix: set apiVersion: ${served}.`,
    );
  checkShapes(
    out,
    spec.template.map((_, i): PathShape => [spec.template.slice(0, i + 1), 'object']),
    [],
    where,
  );
  let template: unknown = out;
  for (const key of spec.template) template = (template as Obj | undefined)?.[key];
  if (!isObj(template)) return out;
  checkShapes(template, TEMPLATE_SHAPES, [...spec.template], where);
  const podSpec = template.spec;
  if (isObj(podSpec))
    for (const kind of CONTAINER_KINDS) {
      const list = podSpec[kind];
      if (Array.isArray(list)) list.forEach((c, i) => checkShapes(c, CONTAINER_SHAPES, [...spec.template, 'spec', kind, i], where));
    }
  return out;
}
