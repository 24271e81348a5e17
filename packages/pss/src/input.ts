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

/** Checks `value` against `shape` and returns it with null list items / map values replaced by
 *  their zero values, copying only the objects on the way; other fields are passed through. */
function normalize(value: unknown, shape: Shape, path: string, at: Where): unknown {
  // Go decodes an explicit null field into a nil pointer / zero value, which PSA treats as "not set".
  if (value === null || value === undefined) return value;
  const fail = (problem: string): never => {
    throw new PssInputError(at.source, path, problem, at.fieldPrefix);
  };
  if (typeof shape === 'string') {
    if (!SCALAR_TEST[shape](value)) fail(`must be ${SCALAR_NAME[shape]}, got ${describeValue(value)}`);
    return value;
  }
  if ('list' in shape) {
    if (!Array.isArray(value)) return fail(`must be a list, got ${describeValue(value)}`);
    return value.map((item: unknown, i) => (item === null || item === undefined ? zeroValue(shape.list) : normalize(item, shape.list, `${path}[${i}]`, at)));
  }
  if (!isRecord(value)) return fail(`must be an object, got ${describeValue(value)}`);
  if ('map' in shape) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        item === null || item === undefined ? zeroValue(shape.map) : normalize(item, shape.map, `${path}[${key}]`, at),
      ]),
    );
  }
  const out: Record<string, unknown> = { ...value };
  for (const [key, fieldShape] of Object.entries(shape.object)) {
    if (key in value) out[key] = normalize(value[key], fieldShape, path ? `${path}.${key}` : key, at);
  }
  return out;
}

/**
 * Narrows an untyped `{metadata, spec}` to a {@link PssPod} (a normalised copy), or throws a {@link PssInputError}
 * naming `source` (a file name, or a description of where the Pod came from) and the bad field,
 * prefixed by `fieldPrefix` (see `extractPodSpec`) so the path is the one in the file.
 */
export function readPssPod(value: unknown, source = 'pod', fieldPrefix = ''): PssPod {
  if (!isRecord(value) || !isRecord(value['spec'])) {
    throw new PssInputError(source, 'spec', 'must be an object holding the Pod spec (pass {metadata, spec})', fieldPrefix);
  }
  return normalize(value, POD, '', { source, fieldPrefix }) as PssPod;
}
