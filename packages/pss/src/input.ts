import { volumeSources } from '@podsec/ir';
import type { PssPod } from './types.js';

/**
 * Validates that an untyped Pod (`{metadata, spec}`, e.g. parsed from YAML) has the Kubernetes API
 * types in every field PSA reads, so the checks can rely on them. The apiserver would refuse such a
 * Pod at decoding; silently reading `runAsUser: "0"` as "not zero" would instead hide a violation.
 * Fields PSA does not read are not looked at. Nulls are read as Go's JSON decoding reads them.
 */

type Shape = 'string' | 'boolean' | 'integer' | { readonly object: Readonly<Record<string, Shape>> } | { readonly list: Shape } | { readonly map: Shape };

const obj = (fields: Readonly<Record<string, Shape>>): Shape => ({ object: fields });
const list = (of: Shape): Shape => ({ list: of });
const OPEN: Shape = obj({});

const profile = obj({ type: 'string' });
const seLinuxOptions = obj({ type: 'string', user: 'string', role: 'string' });
const windowsOptions = obj({ hostProcess: 'boolean' });
const hostHandler = obj({ httpGet: obj({ host: 'string' }), tcpSocket: obj({ host: 'string' }) });

const container = obj({
  name: 'string',
  image: 'string',
  securityContext: obj({
    privileged: 'boolean',
    allowPrivilegeEscalation: 'boolean',
    runAsNonRoot: 'boolean',
    runAsUser: 'integer',
    procMount: 'string',
    capabilities: obj({ add: list('string'), drop: list('string') }),
    seccompProfile: profile,
    appArmorProfile: profile,
    seLinuxOptions,
    windowsOptions,
  }),
  ports: list(obj({ hostPort: 'integer' })),
  livenessProbe: hostHandler,
  readinessProbe: hostHandler,
  startupProbe: hostHandler,
  lifecycle: obj({ postStart: hostHandler, preStop: hostHandler }),
});

/** Every volume source PSA's restrictedVolumes check distinguishes must be an object when present. */
const VOLUME_SOURCE_KEYS = volumeSources();

const volume = obj({
  ...Object.fromEntries(VOLUME_SOURCE_KEYS.map((key) => [key, OPEN])),
  name: 'string',
  hostPath: obj({ path: 'string' }),
});

const POD: Shape = obj({
  metadata: obj({ name: 'string', annotations: { map: 'string' } }),
  spec: obj({
    hostNetwork: 'boolean',
    hostPID: 'boolean',
    hostIPC: 'boolean',
    hostUsers: 'boolean',
    os: obj({ name: 'string' }),
    securityContext: obj({
      runAsNonRoot: 'boolean',
      runAsUser: 'integer',
      seccompProfile: profile,
      appArmorProfile: profile,
      seLinuxOptions,
      windowsOptions,
      sysctls: list(obj({ name: 'string' })),
    }),
    volumes: list(volume),
    containers: list(container),
    initContainers: list(container),
    ephemeralContainers: list(container),
  }),
});

export class PssInputError extends Error {
  override readonly name = 'PssInputError';
  /**
   * @param path field path inside the Pod (`spec.containers[0].image`)
   * @param fieldPrefix where that Pod sits in the file's object (`spec.template.` for a Deployment)
   */
  constructor(
    readonly source: string,
    readonly path: string,
    readonly problem: string,
    readonly fieldPrefix = '',
  ) {
    super(
      `${source}: ${fieldPrefix}${path || '(root)'} ${problem}; fix the manifest so this field has its ` +
        `Kubernetes API type (see \`kubectl explain pod.${path.replace(/\[[^\]]*\]/g, '')}\`)`,
    );
  }
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

const SCALAR_TEST: Readonly<Record<'string' | 'boolean' | 'integer', (v: unknown) => boolean>> = {
  string: (v) => typeof v === 'string',
  boolean: (v) => typeof v === 'boolean',
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
};

const SCALAR_NAME: Readonly<Record<'string' | 'boolean' | 'integer', string>> = {
  string: 'a string',
  boolean: 'a boolean (true/false, unquoted)',
  integer: 'an integer (unquoted)',
};

interface Where {
  readonly source: string;
  readonly fieldPrefix: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Go's zero value for a list item or map value written as `null` (`drop: [null]` decodes to `[""]`). */
function zeroValue(shape: Shape): unknown {
  if (typeof shape === 'string') return ZERO[shape];
  return 'list' in shape ? [] : {};
}

const ZERO: Readonly<Record<'string' | 'boolean' | 'integer', unknown>> = { string: '', boolean: false, integer: 0 };

/** An own data property, also for keys such as `__proto__` that plain assignment treats specially. */
function setOwn(o: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
  else o[key] = value;
}

/** A copy to replace fields in. Not `{ ...o }` then assignments: on Node 20 that costs microseconds per object. */
function shallowCopy(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) setOwn(out, k, o[k]);
  return out;
}

function fail(at: Where, path: string, problem: string): never {
  throw new PssInputError(at.source, path, problem, at.fieldPrefix);
}

/** Each object shape's fields as a list, built once (read for every object of every Pod). */
const fieldLists = new WeakMap<object, readonly (readonly [string, Shape])[]>();

function fieldsOf(shape: { readonly object: Readonly<Record<string, Shape>> }): readonly (readonly [string, Shape])[] {
  let fields = fieldLists.get(shape);
  if (!fields) {
    fields = Object.entries(shape.object);
    fieldLists.set(shape, fields);
  }
  return fields;
}

/**
 * Checks `value` against `shape` and returns it with null list items / map values replaced by their zero
 * values. Copy on write: an object or list is copied only when something inside it was replaced, so a Pod
 * without such nulls comes back as itself (never modified), without allocating.
 */
function normalize(value: unknown, shape: Shape, path: string, at: Where): unknown {
  // Go decodes an explicit null field into a nil pointer / zero value, which PSA treats as "not set".
  if (value === null || value === undefined) return value;
  if (typeof shape === 'string') {
    if (!SCALAR_TEST[shape](value)) fail(at, path, `must be ${SCALAR_NAME[shape]}, got ${describeValue(value)}`);
    return value;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return fail(at, path, `must be a list, got ${describeValue(value)}`);
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = item === null || item === undefined ? zeroValue(shape.list) : normalize(item, shape.list, `${path}[${i}]`, at);
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  if (!isRecord(value)) return fail(at, path, `must be an object, got ${describeValue(value)}`);
  if ('map' in shape) {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const next = item === null || item === undefined ? zeroValue(shape.map) : normalize(item, shape.map, `${path}[${key}]`, at);
      if (next !== item) setOwn((out ??= shallowCopy(value)), key, next);
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  for (const [key, fieldShape] of fieldsOf(shape)) {
    if (!(key in value)) continue;
    const item = value[key];
    const next = normalize(item, fieldShape, path ? `${path}.${key}` : key, at);
    if (next !== item) (out ??= shallowCopy(value))[key] = next;
  }
  return out ?? value;
}

/**
 * Narrows an untyped `{metadata, spec}` to a {@link PssPod} (normalised: the input itself when no null needed
 * replacing, else a copy of the objects on the way; the input is never modified), or throws a {@link PssInputError}
 * naming `source` (a file name, or a description of where the Pod came from) and the bad field,
 * prefixed by `fieldPrefix` (see `extractPodSpec`) so the path is the one in the file.
 */
export function readPssPod(value: unknown, source = 'pod', fieldPrefix = ''): PssPod {
  if (!isRecord(value) || !isRecord(value['spec'])) {
    throw new PssInputError(source, 'spec', 'must be an object holding the Pod spec (pass {metadata, spec})', fieldPrefix);
  }
  return normalize(value, POD, '', { source, fieldPrefix }) as PssPod;
}
