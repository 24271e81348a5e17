/**
 * fast-check arbitraries for Pods and Pod controllers, biased toward the securityContext fields
 * of the IR field table and toward the values a policy names, so random testing reaches the
 * boundaries policies draw.
 */
import fc from 'fast-check';
import { FIELDS, POD_KINDS, walkChecks, walkPredicates, type FieldSpec, type PodKind, type PolicyIR, type Scalar } from '@podsec/ir';

type Obj = Record<string, unknown>;

function setPath(root: Obj, path: readonly string[], value: unknown): void {
  let cur = root;
  path.forEach((key, i) => {
    if (i === path.length - 1) cur[key] = value;
    else {
      const next = cur[key];
      cur = (typeof next === 'object' && next !== null && !Array.isArray(next) ? next : (cur[key] = {})) as Obj;
    }
  });
}

const CAPABILITIES = ['ALL', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW', 'CHOWN', 'sys_admin', 'CAP_SYS_ADMIN', 'KILL'];
const SYSCTLS = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ping_group_range', 'kernel.msgmax', 'net.core.somaxconn', 'net.ipv4.tcp_keepalive_time'];
const VOLUMES: Obj[] = [
  { emptyDir: {} },
  { hostPath: { path: '/var/run' } },
  { configMap: { name: 'cm' } },
  { secret: { secretName: 's' } },
  { persistentVolumeClaim: { claimName: 'pvc' } },
  { projected: { sources: [] } },
  { nfs: { server: 'nfs', path: '/' } },
  { image: { reference: 'registry.example/data:1' } },
  {},
];
const APPARMOR_VALUES = ['runtime/default', 'localhost/my-profile', 'unconfined', ''];

export interface PodArbitraryOptions {
  /** Extra values per field id, e.g. the ones a policy's predicates name. */
  values?: Partial<Record<string, Scalar[]>>;
  kinds?: readonly PodKind[];
}

function scalarsFor(spec: FieldSpec, extra: Scalar[] = []): fc.Arbitrary<unknown> {
  const pool: Scalar[] = [...(spec.enum ?? []), ...(spec.samples ?? []), ...extra];
  switch (spec.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.oneof(fc.constantFrom(0, 1, 1000, 65534, ...pool.filter((v): v is number => typeof v === 'number')), fc.integer({ min: 0, max: 70000 }));
    case 'string':
      return pool.length ? fc.constantFrom(...pool.map(String)) : fc.constantFrom('', 'x');
    case 'string[]': {
      const names = spec.id.startsWith('capabilities') ? [...CAPABILITIES, ...pool.map(String)] : pool.map(String);
      return fc.uniqueArray(fc.constantFrom(...names), { maxLength: 3 });
    }
    case 'integer[]':
      return fc.uniqueArray(fc.constantFrom(0, 4000, 50000, ...pool.filter((v): v is number => typeof v === 'number')), { maxLength: 3 });
    default:
      return fc.constant(undefined);
  }
}

/** Leaf fields (scalars and scalar lists) that random Pods set, per level. */
const leafFields = Object.values(FIELDS).filter((f) => !['object', 'object[]', 'string-map'].includes(f.type) && f.id !== 'image');

function fieldsArbitrary(level: 'pod' | 'container', values: PodArbitraryOptions['values']): fc.Arbitrary<[readonly string[], unknown][]> {
  const candidates = leafFields.filter((f) => (level === 'pod' ? f.pod : f.container));
  const entries = candidates.map((f) =>
    scalarsFor(f, values?.[f.id]).map((v) => [(level === 'pod' ? f.pod : f.container)!, v] as [readonly string[], unknown]),
  );
  return fc.subarray(entries.map((_, i) => i), { maxLength: 6 }).chain((idx) => (idx.length ? fc.tuple(...idx.map((i) => entries[i]!)) : fc.constant([])));
}

function containerArbitrary(prefix: string, i: number, values: PodArbitraryOptions['values']): fc.Arbitrary<Obj> {
  return fc
    .record({
      fields: fieldsArbitrary('container', values),
      ports: fc.option(fc.array(fc.record({ containerPort: fc.constant(8080), hostPort: fc.option(fc.constantFrom(0, 80, 5000, 8080), { nil: undefined }) }, { requiredKeys: ['containerPort'] }), { maxLength: 2 }), { nil: undefined }),
      image: fc.constantFrom('nginx:1.27', 'registry.k8s.io/pause:3.9', 'redis:7'),
    })
    .map(({ fields, ports, image }) => {
      const c: Obj = { name: `${prefix}${i}`, image };
      for (const [path, v] of fields) if (v !== undefined) setPath(c, path, v);
      if (ports) c.ports = ports.map((p) => (p.hostPort === undefined ? { containerPort: p.containerPort } : p));
      return c;
    });
}

function containersArbitrary(prefix: string, min: number, max: number, values: PodArbitraryOptions['values']): fc.Arbitrary<Obj[]> {
  return fc.integer({ min, max }).chain((n) => (n ? fc.tuple(...Array.from({ length: n }, (_, i) => containerArbitrary(prefix, i, values))) : fc.constant([])));
}

/** A Pod template: `{metadata, spec}`. */
export function arbitraryPodTemplate(options: PodArbitraryOptions = {}): fc.Arbitrary<Obj> {
  const { values } = options;
  return fc
    .record({
      fields: fieldsArbitrary('pod', values),
      containers: containersArbitrary('c', 1, 2, values),
      initContainers: containersArbitrary('init', 0, 1, values),
      ephemeralContainers: containersArbitrary('debug', 0, 1, values),
      volumes: fc.option(fc.array(fc.constantFrom(...VOLUMES), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      sysctls: fc.option(fc.array(fc.constantFrom(...SYSCTLS), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      apparmor: fc.option(fc.tuple(fc.constantFrom('c0', 'init0', 'other'), fc.constantFrom(...APPARMOR_VALUES)), { nil: undefined }),
    })
    .map(({ fields, containers, initContainers, ephemeralContainers, volumes, sysctls, apparmor }) => {
      const t: Obj = { metadata: { labels: { app: 'demo' } }, spec: { containers } };
      for (const [path, v] of fields) if (v !== undefined) setPath(t, path, v);
      if (initContainers.length) setPath(t, ['spec', 'initContainers'], initContainers);
      if (ephemeralContainers.length) setPath(t, ['spec', 'ephemeralContainers'], ephemeralContainers);
      if (volumes) setPath(t, ['spec', 'volumes'], volumes.map((v, i) => ({ name: `v${i}`, ...v })));
      if (sysctls) setPath(t, ['spec', 'securityContext', 'sysctls'], sysctls.map((name) => ({ name, value: '1' })));
      if (apparmor) setPath(t, ['metadata', 'annotations'], { [`container.apparmor.security.beta.kubernetes.io/${apparmor[0]}`]: apparmor[1] });
      return t;
    });
}

/** Wraps a Pod template in an object of `kind`, with the template where that kind keeps it. */
export function wrapTemplate(kind: PodKind, template: Obj, name = 'demo'): Obj {
  const spec = POD_KINDS.find((k) => k.kind === kind)!;
  const apiVersion = spec.group ? `${spec.group}/${spec.version}` : spec.version;
  if (!spec.template.length) return { apiVersion, kind, ...template, metadata: { ...(template.metadata as Obj), name, namespace: 'default' } };
  const obj: Obj = { apiVersion, kind, metadata: { name, namespace: 'default' }, spec: {} };
  setPath(obj, spec.template, template);
  if (kind === 'CronJob') (obj.spec as Obj).schedule = '*/5 * * * *';
  else if (kind !== 'Job' && kind !== 'ReplicationController') (obj.spec as Obj).selector = { matchLabels: { app: 'demo' } };
  return obj;
}

/** Pods and every Pod controller kind (or the given kinds). */
export function arbitraryPodObject(options: PodArbitraryOptions = {}): fc.Arbitrary<Obj> {
  const kinds = options.kinds ?? POD_KINDS.map((k) => k.kind);
  return fc.tuple(fc.constantFrom(...kinds), arbitraryPodTemplate(options)).map(([kind, t]) => wrapTemplate(kind, t));
}

/** The values a policy's predicates name, per field: random Pods then hit its boundaries. */
export function valuesFromPolicy(policy: PolicyIR): Partial<Record<string, Scalar[]>> {
  const out: Record<string, Scalar[]> = {};
  for (const rule of policy.rules) {
    for (const root of [rule.when, rule.require]) {
      if (!root) continue;
      for (const check of walkChecks(root)) {
        if (!('pred' in check) || !('field' in check)) continue;
        const bucket = (out[check.field] ??= []);
        for (const p of walkPredicates(check.pred)) {
          if ('value' in p && p.value !== undefined) bucket.push(p.value);
          if ('values' in p) bucket.push(...p.values);
          if (p.op === 'range') for (const b of [p.min, p.max]) if (b !== undefined) bucket.push(b - 1, b, b + 1);
        }
      }
    }
  }
  return out;
}
