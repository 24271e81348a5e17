/**
 * Parameterised example policies covering every issue-12 construct, each with instances (parameter
 * values) and hand-made objects near the values' edges: the engines are held to the reference
 * semantics on every (policy, instance, object) triple.
 */
import {
  all,
  any,
  container,
  containerAnnotation,
  containerItems,
  definePolicy,
  effective,
  is,
  not,
  param,
  parameters,
  pod,
  podItems,
  someOf,
  type Policy,
} from '@podsec/dsl';
import { hostFilesystem } from '../../packages/dsl/examples/host-filesystem.js';

export interface ParamCase {
  policy: Policy;
  instances: Record<string, unknown>[];
  objects: unknown[];
}

const podOf = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec,
});
const c = (extra: Record<string, unknown> = {}, image = 'registry.example/app:1', name = 'app') => ({ name, image, ...extra });

const idRanges = parameters({
  exemptImages: param.array(param.string()),
  rule: param.enum(['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'], { default: 'RunAsAny' }),
  ranges: param.array(param.object({ min: param.integer(), max: param.integer() })),
});

const users = definePolicy({
  name: 'param-users',
  title: 'Users by rule and ranges',
  match: { kinds: ['Pod'], operations: ['CREATE'] },
  parameters: idRanges,
  exemptImages: idRanges.exemptImages,
  rules: [
    {
      id: 'must-run-as',
      message: 'runAsUser must be in an allowed range.',
      when: idRanges.rule.equals('MustRunAs'),
      require: effective('runAsUser').is(someOf(idRanges.ranges, (r) => is.between(r.get('min'), r.get('max')))),
    },
    {
      id: 'non-root',
      message: 'runAsUser must not be 0.',
      require: any(not(idRanges.rule.equals('MustRunAsNonRoot')), effective('runAsUser').atLeast(1)),
    },
  ],
});

const kinds = parameters({
  volumes: param.array(param.string(), { default: ['configMap', 'emptyDir'] }),
  allowedFlexVolumes: param.array(param.object({ driver: param.string() })),
  forbiddenSysctls: param.array(param.string(), { default: [] }),
});

const volumes = definePolicy({
  name: 'param-volumes',
  title: 'Volume kinds, flex drivers, sysctls',
  parameters: kinds,
  rules: [
    {
      id: 'kinds',
      message: 'Only listed volume kinds.',
      require: any(
        kinds.volumes.includesAll(['*']),
        podItems('volumes')
          .each()
          .is(is.keysIn(kinds.volumes, ['name'])),
      ),
    },
    {
      id: 'flex',
      message: 'Only listed flexVolume drivers.',
      require: podItems('volumes').forEach((v) =>
        any(
          v.get('flexVolume').absent(),
          kinds.allowedFlexVolumes.some((d) => v.get('flexVolume').get('driver').equalsRef(d.get('driver'))),
        ),
      ),
    },
    {
      id: 'sysctls',
      message: 'No forbidden sysctl.',
      require: podItems('sysctls')
        .where('name')
        .is(is.not(someOf(kinds.forbiddenSysctls, (f) => is.wildcard(f)))),
    },
  ],
});

const caps = parameters({
  exemptImages: param.array(param.string(), { default: ['registry.example/trusted/*', 'exact:1'] }),
  allowedCapabilities: param.array(param.string()),
  requiredDropCapabilities: param.array(param.string(), { default: [] }),
  allowedSELinuxOptions: param.array(param.object({ level: param.string(), role: param.string(), type: param.string(), user: param.string() })),
  allowedProfiles: param.array(param.string(), { default: ['runtime/default'] }),
  hostNetwork: param.boolean({ default: false }),
  min: param.integer({ default: 0 }),
  max: param.integer({ default: 0 }),
});

const containersPolicy = definePolicy({
  name: 'param-containers',
  title: 'Capabilities, SELinux, AppArmor, host ports',
  parameters: caps,
  exemptImages: caps.exemptImages,
  rules: [
    {
      id: 'caps',
      message: 'Capabilities.',
      require: all(
        any(caps.allowedCapabilities.includesAll(['*']), container('capabilities.add').subsetOf(caps.allowedCapabilities)),
        container('capabilities.drop').includesAll(caps.requiredDropCapabilities),
      ),
    },
    {
      id: 'selinux',
      message: 'SELinux.',
      require: container('seLinuxOptions').optional.is(
        someOf(caps.allowedSELinuxOptions, (o) =>
          is.allOf(
            is.at(['level'], is.equals(o.get('level')), 'pass'),
            is.at(['role'], is.equals(o.get('role')), 'pass'),
            is.at(['type'], is.equals(o.get('type')), 'pass'),
            is.at(['user'], is.equals(o.get('user')), 'pass'),
          ),
        ),
      ),
    },
    {
      id: 'apparmor',
      message: 'AppArmor.',
      require: containerAnnotation('container.apparmor.security.beta.kubernetes.io/').is(someOf(caps.allowedProfiles, (a) => is.wildcard(a))),
    },
    {
      id: 'host-network',
      message: 'Host network and ports.',
      require: all(
        any(caps.hostNetwork.equals(true), pod('hostNetwork').optional.equals(false)),
        containerItems('ports').forEach((port) => port.get('hostPort').optional.is(is.allOf(is.atLeast(caps.min), is.atMost(caps.max)))),
      ),
    },
  ],
});

const hostPathPods = (['/var/log', '/var/log/app', '/var/logs', '/etc', '/', '/tmp/a', '/data/x'] as const).flatMap((path) =>
  [true, false, undefined].map((readOnly) =>
    podOf({
      containers: [c({ volumeMounts: [{ name: 'h', mountPath: '/h', ...(readOnly === undefined ? {} : { readOnly }) }] })],
      initContainers: readOnly ? [c({ volumeMounts: [{ name: 'other', mountPath: '/o' }] }, 'i', 'init')] : [],
      volumes: [
        { name: 'h', hostPath: { path } },
        { name: 'other', emptyDir: {} },
      ],
    }),
  ),
);

const uidPods = [undefined, 0, 5, 100, 150, 200, 201, 1000].flatMap((uid) =>
  ['registry.example/app:1', 'registry.example/trusted/x'].map((image) =>
    podOf({ containers: [c(uid === undefined ? {} : { securityContext: { runAsUser: uid } }, image)], securityContext: { runAsUser: 7 } }),
  ),
);

const volumePods = [
  podOf({ containers: [c()], volumes: [{ name: 'a', emptyDir: {} }] }),
  podOf({
    containers: [c()],
    volumes: [
      { name: 'a', configMap: { name: 'x' } },
      { name: 'b', secret: { secretName: 's' } },
    ],
  }),
  podOf({ containers: [c()], volumes: [{ name: 'f', flexVolume: { driver: 'example/lvm' } }] }),
  podOf({ containers: [c()], volumes: [{ name: 'f', flexVolume: { driver: 'example/cifs' } }] }),
  podOf({ containers: [c()], volumes: [{ name: 'f', flexVolume: {} }] }),
  podOf({ containers: [c()], securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }),
  podOf({ containers: [c()], securityContext: { sysctls: [{ name: 'net.core.somaxconn', value: '1' }] } }),
  podOf({ containers: [c()] }),
];

const containerPods = [
  podOf({ containers: [c({ securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } })] }),
  podOf({ containers: [c({ securityContext: { capabilities: { add: ['CHOWN'] } } })] }),
  podOf({ containers: [c({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }, 'registry.example/trusted/t')] }),
  podOf({ containers: [c({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }, 'exact:1')] }),
  podOf({ containers: [c({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }, 'exact:12')] }),
  podOf({ containers: [c({ securityContext: { seLinuxOptions: { level: 's0:c1', type: 'container_t' } } })] }),
  podOf({ containers: [c({ securityContext: { seLinuxOptions: { level: 's0:c2' } } })] }),
  podOf({ containers: [c({ securityContext: { seLinuxOptions: { user: 'system_u' } } })] }),
  podOf({ containers: [c()] }, { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }),
  podOf({ containers: [c()] }, { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/custom' }),
  podOf({ containers: [c()] }, { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }),
  podOf({ containers: [c({ ports: [{ containerPort: 80, hostPort: 80 }] })], hostNetwork: true }),
  podOf({ containers: [c({ ports: [{ containerPort: 80, hostPort: 8080 }] })] }),
  podOf({ containers: [c({ ports: [{ containerPort: 80 }] })], hostNetwork: false }),
];

/** `withPrefix`: the files a string list names as `localhost/<file>`, read at run time by the Rego. */
const prefixed = parameters({ allowedProfiles: param.array(param.string()) });
const localhostFiles = definePolicy({
  name: 'param-prefixed',
  title: 'Localhost files named by allowedProfiles entries',
  parameters: prefixed,
  rules: [
    {
      id: 'localhost-file',
      message: 'Seccomp localhost file is not allowed',
      require: effective('seccompProfile.localhostProfile').optional.oneOf(prefixed.allowedProfiles.withPrefix('localhost/')),
    },
  ],
});
const localhostPods = [undefined, 'a.json', 'dir/b.json', 'c.json', 'localhost/a.json', ''].map((file) =>
  podOf({ containers: [c(file === undefined ? {} : { securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: file } } })] }),
);

export const PARAM_CASES: readonly ParamCase[] = [
  {
    policy: hostFilesystem,
    instances: [
      {},
      { allowedHostPaths: [] },
      { allowedHostPaths: [{ pathPrefix: '/var/log', readOnly: true }] },
      { allowedHostPaths: [{ pathPrefix: '/', readOnly: false }] },
      { allowedHostPaths: [{ pathPrefix: '/tmp' }, { pathPrefix: '/data/', readOnly: true }] },
    ],
    objects: hostPathPods,
  },
  {
    policy: users,
    instances: [
      {},
      { rule: 'MustRunAsNonRoot' },
      {
        rule: 'MustRunAs',
        ranges: [
          { min: 100, max: 200 },
          { min: 1000, max: 1000 },
        ],
      },
      { rule: 'MustRunAs', ranges: [{ min: 100, max: 200 }], exemptImages: ['registry.example/trusted/*'] },
      { rule: 'MustRunAs' },
    ],
    objects: uidPods,
  },
  {
    policy: volumes,
    instances: [
      {},
      { volumes: ['*'], allowedFlexVolumes: [{ driver: 'example/lvm' }], forbiddenSysctls: ['kernel.*'] },
      { volumes: ['emptyDir', 'flexVolume', 'secret'], allowedFlexVolumes: [], forbiddenSysctls: ['*'] },
      { volumes: [], forbiddenSysctls: ['net.core.somaxconn'] },
    ],
    objects: volumePods,
  },
  {
    policy: containersPolicy,
    instances: [
      {},
      {
        allowedCapabilities: ['*'],
        allowedSELinuxOptions: [{ level: 's0:c1', type: 'container_t' }],
        allowedProfiles: ['runtime/default', 'localhost/*'],
        min: 80,
        max: 9000,
      },
      { allowedCapabilities: ['CHOWN'], requiredDropCapabilities: ['ALL'], allowedSELinuxOptions: [{ level: 's0:c2' }], hostNetwork: true, exemptImages: [] },
    ],
    objects: containerPods,
  },
  {
    policy: localhostFiles,
    instances: [
      {},
      { allowedProfiles: ['runtime/default', 'localhost/a.json', 'localhost/dir/b.json'] },
      { allowedProfiles: ['runtime/default', 'localhost'] },
    ],
    objects: localhostPods,
  },
];
