/**
 * Random IR policies over the whole field table, for the compiler's property test: every check
 * kind, scope and predicate, nested combinators, `when`, with values drawn from the field table's
 * enums and samples (plus a few pattern-hostile strings), so random Pods hit their boundaries.
 */
import fc from 'fast-check';
import { FIELDS, type Check, type ContainerKind, type FieldSpec, type PolicyIR, type Predicate, type Scalar } from '@podsec/ir';

const HOSTILE = ['a|b', 'x*', '{{x}}', '$(y)', 'sp ace', '!n', '1-2', 'true'];

function pool(spec: FieldSpec): Scalar[] {
  const base: Scalar[] = [...(spec.enum ?? []), ...(spec.samples ?? [])];
  if (spec.type === 'boolean') return [true, false];
  if (spec.type === 'integer' || spec.type === 'integer[]') return [0, 1, 1000, ...base.filter((v) => typeof v === 'number')];
  return [...base.filter((v) => typeof v === 'string'), 'x', ...HOSTILE];
}

const CAPS = ['ALL', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'sys_admin', 'CAP_SYS_ADMIN', 'NET_RAW'];

function scalarPredicate(values: Scalar[], numeric: boolean, depth: number): fc.Arbitrary<Predicate> {
  const v = fc.constantFrom(...values);
  const vs = fc.uniqueArray(v, { minLength: 1, maxLength: 3 });
  const leaves: fc.Arbitrary<Predicate>[] = [
    v.map((value) => ({ op: 'equals', value }) as Predicate),
    vs.map((values) => ({ op: 'in', values }) as Predicate),
    vs.map((values) => ({ op: 'notIn', values }) as Predicate),
    fc.constant({ op: 'present' } as Predicate),
    fc.constant({ op: 'absent' } as Predicate),
  ];
  if (numeric) {
    leaves.push(
      fc
        .record({ min: fc.option(fc.constantFrom(0, 1, 1000), { nil: undefined }), max: fc.option(fc.constantFrom(0, 999, 65535), { nil: undefined }) })
        .filter((r) => r.min !== undefined || r.max !== undefined)
        .map((r) => ({ op: 'range', ...(r.min !== undefined ? { min: r.min } : {}), ...(r.max !== undefined ? { max: r.max } : {}) }) as Predicate),
    );
  } else {
    const strs = values.filter((x): x is string => typeof x === 'string');
    if (strs.length) {
      leaves.push(fc.constantFrom(...strs).map((s) => ({ op: 'prefix', value: s.slice(0, 3) }) as Predicate));
      leaves.push(fc.constantFrom(...strs).map((s) => ({ op: 'glob', value: `${s.slice(0, 2)}*` }) as Predicate));
      leaves.push(fc.constantFrom(...strs).map((s) => ({ op: 'glob', value: `?${s.slice(1)}` }) as Predicate));
    }
  }
  const leaf = fc.oneof(...leaves);
  if (depth <= 0) return leaf;
  const sub = scalarPredicate(values, numeric, depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 2 }).map((of) => ({ op: 'and', of }) as Predicate) },
    { weight: 1, arbitrary: fc.array(sub, { minLength: 1, maxLength: 2 }).map((of) => ({ op: 'or', of }) as Predicate) },
    { weight: 1, arbitrary: sub.map((pred) => ({ op: 'not', pred }) as Predicate) },
  );
}

function listPredicate(spec: FieldSpec): fc.Arbitrary<Predicate> {
  const values = spec.id.startsWith('capabilities') ? CAPS : pool(spec);
  const vs = fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 3 });
  const normalize = fc.constantFrom<'exact' | 'capability' | undefined>(undefined, 'exact', 'capability');
  return fc.oneof(
    fc.record({ values: vs, normalize }).map(({ values: v, normalize: n }) => ({ op: 'subsetOf', values: v, ...(n ? { normalize: n } : {}) }) as Predicate),
    vs.map((v) => ({ op: 'containsAll', values: v }) as Predicate),
    fc.record({ values: vs, normalize }).map(({ values: v, normalize: n }) => ({ op: 'containsNone', values: v, ...(n ? { normalize: n } : {}) }) as Predicate),
  );
}

const absent = fc.constantFrom<'pass' | 'fail'>('pass', 'fail');
const containerKinds = fc.option(fc.subarray<ContainerKind>(['containers', 'initContainers', 'ephemeralContainers'], { minLength: 1 }), { nil: undefined });

const scalarFields = Object.values(FIELDS).filter((f) => ['boolean', 'integer', 'string'].includes(f.type) && f.id !== 'image');
const listFields = Object.values(FIELDS).filter((f) => f.type === 'string[]' || f.type === 'integer[]');

const fieldCheck: fc.Arbitrary<Check> = fc.constantFrom(...scalarFields, ...listFields).chain((spec) => {
  const scopes = [
    ...(spec.pod ? ['pod' as const] : []),
    ...(spec.container ? ['container' as const] : []),
    ...(spec.pod && spec.container ? ['effective' as const] : []),
  ];
  const pred = spec.type.endsWith('[]') ? listPredicate(spec) : scalarPredicate(pool(spec), spec.type === 'integer', 1);
  return fc
    .record({ scope: fc.constantFrom(...scopes), pred, absent, containers: containerKinds })
    .map(
      ({ scope, pred: p, absent: a, containers }) =>
        ({ kind: 'field', field: spec.id, scope, pred: p, absent: a, ...(scope !== 'pod' && containers ? { containers } : {}) }) as Check,
    );
});

const eachCheck: fc.Arbitrary<Check> = fc.oneof(
  fc
    .record({ pred: scalarPredicate(['kernel.shm_rmid_forced', 'net.ipv4.ping_group_range', 'kernel.msgmax', 'net.'], false, 1), absent })
    .map(({ pred, absent: a }) => ({ kind: 'each', field: 'sysctls', scope: 'pod', path: ['name'], pred, absent: a }) as Check),
  fc
    .record({ pred: scalarPredicate([0, 80, 5000, 8080], true, 1), absent, containers: containerKinds })
    .map(
      ({ pred, absent: a, containers }) =>
        ({ kind: 'each', field: 'ports', scope: 'container', path: ['hostPort'], pred, absent: a, ...(containers ? { containers } : {}) }) as Check,
    ),
  fc
    .record({
      keys: fc.uniqueArray(fc.constantFrom('hostPath', 'emptyDir', 'configMap', 'secret', 'image', 'nfs'), { minLength: 1, maxLength: 3 }),
      negate: fc.boolean(),
      absent,
    })
    .map(({ keys, negate, absent: a }) => {
      const has: Predicate = { op: 'hasAnyKey', values: keys };
      return { kind: 'each', field: 'volumes', scope: 'pod', path: [], pred: negate ? { op: 'not', pred: has } : has, absent: a } as Check;
    }),
  fc
    .record({ absent })
    .map(({ absent: a }) => ({ kind: 'each', field: 'volumes', scope: 'pod', path: ['hostPath'], pred: { op: 'absent' }, absent: a }) as Check),
  fc
    .record({ pred: scalarPredicate([0, 4000, 50000], true, 1), absent })
    .map(({ pred, absent: a }) => ({ kind: 'each', field: 'supplementalGroups', scope: 'pod', path: [], pred, absent: a }) as Check),
);

const entriesCheck: fc.Arbitrary<Check> = scalarPredicate(['runtime/default', 'localhost/my-profile', 'unconfined', ''], false, 1).map(
  (pred) => ({ kind: 'entries', field: 'annotations', keyPrefix: 'container.apparmor.security.beta.kubernetes.io/', pred }) as Check,
);

const leafCheck = fc.oneof({ weight: 5, arbitrary: fieldCheck }, { weight: 2, arbitrary: eachCheck }, { weight: 1, arbitrary: entriesCheck });

export const arbitraryCheck: fc.Arbitrary<Check> = fc.letrec<{ check: Check }>((tie) => ({
  check: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafCheck,
    fc.array(tie('check'), { minLength: 1, maxLength: 3 }).map((checks) => ({ kind: 'all', checks }) as Check),
    fc.array(tie('check'), { minLength: 1, maxLength: 3 }).map((checks) => ({ kind: 'any', checks }) as Check),
    tie('check').map((check) => ({ kind: 'not', check }) as Check),
  ),
})).check;

export const arbitraryPolicyIR: fc.Arbitrary<PolicyIR> = fc
  .record({
    rules: fc.array(fc.record({ require: arbitraryCheck, when: fc.option(leafCheck, { nil: undefined }) }), { minLength: 1, maxLength: 3 }),
    mode: fc.constantFrom<PolicyIR['mode']>('enforce', 'audit', 'warn'),
  })
  .map(({ rules, mode }) => ({
    irVersion: 1,
    name: 'random-policy',
    title: 'Random policy',
    description: 'Generated by arbitraryPolicyIR.',
    severity: 'medium',
    mode,
    source: 'test/kyverno/support/arbitrary-ir.ts',
    match: {
      kinds: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'],
      operations: ['CREATE', 'UPDATE'],
      namespaces: { include: [], exclude: [] },
    },
    exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
    rules: rules.map((r, i) => ({ id: `rule-${i}`, message: `rule ${i} {{ violated }}`, require: r.require, ...(r.when ? { when: r.when } : {}) })),
  }));
