import { describe, expect, it } from '@jest/globals';
import { evaluatePodSecurity, extractPodSpec, PodSpecExtractError, PssInputError, readPssPod } from '../src/index.js';
import { basePod, withField, withFields } from './support.js';

describe('input validation', () => {
  it.each([
    [
      'spec.containers[0].securityContext.runAsUser',
      '0',
      /spec\.containers\[0\]\.securityContext\.runAsUser must be an integer \(unquoted\), got the string "0"/,
    ],
    ['spec.hostNetwork', 'true', /spec\.hostNetwork must be a boolean/],
    ['spec.containers', { name: 'x' }, /spec\.containers must be a list, got an object/],
    ['spec.securityContext.sysctls[0].name', 5, /spec\.securityContext\.sysctls\[0\]\.name must be a string, got number 5/],
    ['spec.initContainers[0].securityContext.capabilities.add', 'NET_RAW', /capabilities\.add must be a list/],
    [
      'metadata.annotations',
      { 'container.apparmor.security.beta.kubernetes.io/c': 1 },
      /metadata\.annotations\[container\.apparmor\.security\.beta\.kubernetes\.io\/c\] must be a string/,
    ],
    ['spec.volumes[0]', { name: 'v', hostPath: '/etc' }, /spec\.volumes\[0\]\.hostPath must be an object/],
  ])('refuses %s = %j, naming the file and the field', (field, value, message) => {
    const pod = withField(basePod('baseline'), field, value);
    const run = (): unknown => evaluatePodSecurity(pod, { level: 'baseline', version: 'latest', source: 'pods/web.yaml' });
    expect(run).toThrow(PssInputError);
    expect(run).toThrow(message);
    expect(run).toThrow(/^pods\/web\.yaml: /);
    expect(run).toThrow(/fix the manifest/);
  });

  it('refuses a value without a Pod spec', () => {
    expect(() => readPssPod({ kind: 'Pod' }, 'x.yaml')).toThrow(/x\.yaml: spec must be an object holding the Pod spec/);
    expect(() => readPssPod('nope')).toThrow(PssInputError);
  });

  it('treats explicit nulls as unset, as Go JSON decoding does', () => {
    const pod = withFields(basePod('restricted'), {
      'spec.hostNetwork': null,
      'spec.containers[0].securityContext.capabilities.add': null,
      'spec.volumes': [{ name: 'v', hostPath: null, emptyDir: {} }],
    });
    expect(evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }).allowed).toBe(true);
  });

  it('reads null list items and map values as Go zero values, without changing the input', () => {
    const pod = withFields(basePod('restricted'), {
      'spec.containers[0].securityContext.capabilities.drop': [null],
      'metadata.annotations': { 'container.apparmor.security.beta.kubernetes.io/container1': null },
    });
    const before = structuredClone(pod);
    const caps = evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }).results.find((r) => r.id === 'capabilities_restricted');
    // policy/check_capabilities_restricted.go: [""] does not contain "ALL"; an empty AppArmor annotation is allowed.
    expect(caps?.violations).toEqual([
      expect.objectContaining({ field: 'spec.containers[0].securityContext.capabilities.drop', type: 'forbidden', value: [''] }),
    ]);
    expect(pod).toEqual(before);
  });

  it('refuses an unknown level', () => {
    expect(() => evaluatePodSecurity(basePod('baseline'), { level: 'strict' as never, version: 'latest' })).toThrow(
      /unsupported Pod Security level "strict": use one of privileged, baseline, restricted/,
    );
  });
});

describe('volumes', () => {
  // policy/check_restrictedVolumes.go plus apiserver defaulting (SetDefaults_Volume → emptyDir).
  it('treats a volume without a source as the emptyDir the apiserver defaults it to', () => {
    const pod = withField(basePod('restricted'), 'spec.volumes', [{ name: 'scratch' }]);
    expect(evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }).allowed).toBe(true);
  });

  it('refuses a volume source it does not know, as "unknown", instead of waving it through', () => {
    const pod = withField(basePod('restricted'), 'spec.volumes', [{ name: 'v', fancyNewVolume: {} }]);
    const volumes = evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }).results.find((r) => r.id === 'restrictedVolumes');
    expect(volumes?.detail).toBe('volume "v" uses restricted volume type "unknown"');
    expect(volumes?.violations).toEqual([{ field: 'spec.volumes[0].unknown', type: 'forbidden' }]);
  });
});

describe('extractPodSpec', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

  it.each([
    ['v1', 'Pod', template, ''],
    ['v1', 'PodTemplate', { template }, 'template.'],
    ['v1', 'ReplicationController', { spec: { template } }, 'spec.template.'],
    ['apps/v1', 'Deployment', { spec: { template } }, 'spec.template.'],
    ['apps/v1', 'StatefulSet', { spec: { template } }, 'spec.template.'],
    ['apps/v1', 'DaemonSet', { spec: { template } }, 'spec.template.'],
    ['apps/v1', 'ReplicaSet', { spec: { template } }, 'spec.template.'],
    ['batch/v1', 'Job', { spec: { template } }, 'spec.template.'],
    ['batch/v1', 'CronJob', { spec: { jobTemplate: { spec: { template } } } }, 'spec.jobTemplate.spec.template.'],
  ])('%s %s', (apiVersion, kind, body, fieldPrefix) => {
    const resource = kind === 'Pod' ? { apiVersion, kind, ...template } : { apiVersion, kind, metadata: { name: 'w' }, ...body };
    const extracted = extractPodSpec(resource);
    expect(extracted?.spec).toEqual(template.spec);
    expect(extracted?.fieldPrefix).toBe(fieldPrefix);
    expect(extracted?.metadata).toEqual(template.metadata);
  });

  it('returns null for kinds that carry no Pod, including same-named kinds of other groups', () => {
    expect(extractPodSpec({ apiVersion: 'v1', kind: 'ConfigMap', data: {} })).toBeNull();
    expect(extractPodSpec({ apiVersion: 'example.com/v1', kind: 'Deployment', spec: { template } })).toBeNull();
    expect(extractPodSpec({ apiVersion: 'v1', kind: 'toString' })).toBeNull();
    expect(extractPodSpec('Pod')).toBeNull();
  });

  it('refuses a Pod kind with no template or apiVersion', () => {
    expect(() => extractPodSpec({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: {} }, 'd.yaml')).toThrow(
      /d\.yaml: Deployment "web" has no Pod spec at spec\.template\.spec/,
    );
    expect(() => extractPodSpec({ kind: 'Job', spec: { template } }, 'j.yaml')).toThrow(PodSpecExtractError);
    expect(() => extractPodSpec({ kind: 'Job', spec: { template } }, 'j.yaml')).toThrow(/set apiVersion \(e\.g\. "batch\/v1"\)/);
  });

  it('feeds a CronJob template to the checks', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: { jobTemplate: { spec: { template: { spec: { hostPID: true, containers: [{ name: 'c', image: 'x' }] } } } } },
    };
    const pod = extractPodSpec(cron);
    if (pod === null) throw new Error('expected a Pod template');
    const result = evaluatePodSecurity(pod, { level: 'baseline', version: 'latest' });
    expect(result.results.filter((r) => !r.allowed).map((r) => [r.id, r.detail])).toEqual([['hostNamespaces', 'hostPID=true']]);
  });

  it('names a bad template field by its path in the file', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x', ports: [{ hostPort: '80' }] }] } } },
    };
    const pod = extractPodSpec(deployment, 'web.yaml');
    if (pod === null) throw new Error('expected a Pod template');
    expect(() => evaluatePodSecurity(pod, { level: 'baseline', version: 'latest', source: 'web.yaml', fieldPrefix: pod.fieldPrefix })).toThrow(
      /^web\.yaml: spec\.template\.spec\.containers\[0\]\.ports\[0\]\.hostPort must be an integer/,
    );
  });
});

describe('readPssPod copies on write', () => {
  it('returns a Pod without nulls to replace as itself, and never modifies its input', () => {
    const pod = {
      metadata: { name: 'p', annotations: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { drop: ['ALL'] } } }] },
    };
    const before = JSON.stringify(pod);
    expect(readPssPod(pod)).toBe(pod);
    const withNulls = {
      metadata: { name: 'p', annotations: JSON.parse('{"__proto__": null, "k": null}') as Record<string, unknown> },
      spec: { containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { drop: [null, 'ALL'] } } }, null] },
    };
    const text = JSON.stringify(withNulls);
    const read = readPssPod(withNulls) as unknown as typeof withNulls;
    expect(JSON.stringify(withNulls)).toBe(text);
    expect(read.spec.containers[0]?.securityContext.capabilities.drop).toEqual(['', 'ALL']);
    expect(read.spec.containers[1]).toEqual({});
    expect(Object.getPrototypeOf(read.metadata.annotations)).toBe(Object.prototype);
    expect(Object.keys(read.metadata.annotations)).toEqual(['__proto__', 'k']);
    expect(Object.getOwnPropertyDescriptor(read.metadata.annotations, '__proto__')?.value).toBe('');
    expect(read.spec.containers).not.toBe(withNulls.spec.containers);
    expect(JSON.stringify(pod)).toBe(before);
  });
});
