/**
 * Objects as the cluster reads them (issue 13): YAML 1.1 as kubectl parses it, explicit nulls read
 * as absent, wrong types and unserved apiVersions refused, Lists and directories evaluated or
 * reported, the legacy AppArmor annotation honoured, and hostile files refused in one line.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAdapters, loadBuildFromDir, verify, type EvalRow, type Fixture } from '@podsec/verify';
import { podsec, scratchDir } from '../support/cli.js';

let build: string;
let work: string;
beforeAll(async () => {
  build = scratchDir('rel-build');
  work = scratchDir('rel-input');
  expect((await podsec(['build', 'policies', '--out', build])).code).toBe(0);
}, 120_000);
afterAll(() => {
  rmSync(build, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const file = (name: string, text: string | Buffer) => {
  const path = join(work, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return name;
};
const evalRows = async (args: string[]) => {
  const r = await podsec(['eval', '--build', build, '--format', 'json', ...args], work);
  return { ...r, rows: r.code === 2 ? [] : (JSON.parse(r.stdout) as EvalRow[]) };
};
/** verdict per engine of one policy for one resource (by name prefix). */
const verdicts = (rows: EvalRow[], resource: string, policy: string) =>
  Object.fromEntries(rows.filter((r) => r.resource.startsWith(resource) && r.policy === policy).map((r) => [r.engine, r.verdict]));
const ALL = (v: string) => ({ rego: v, gatekeeper: v, kyverno: v, vpol: v, vap: v });

const POD = (name: string, body: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n${body}`;

describe('YAML as kubectl reads it (YAML 1.1, go-yaml v2 scalars, merge keys)', () => {
  it('every engine sees what the cluster would store', async () => {
    const name = file(
      'yaml11.yaml',
      [
        POD('merged', 'spec:\n  containers:\n  - name: c\n    image: x\n    <<: {securityContext: {privileged: true}}\n'),
        POD('binary-root', 'spec:\n  securityContext: {runAsUser: 0b0}\n  containers: [{name: c, image: x}]\n'),
        POD('yes-host', 'spec:\n  hostNetwork: yes\n  containers: [{name: c, image: x}]\n'),
        POD('float-root', 'spec:\n  securityContext: {runAsUser: !!float 0}\n  containers: [{name: c, image: x}]\n'),
        POD('octal-group', 'spec:\n  securityContext: {fsGroup: 0o1750}\n  containers: [{name: c, image: x}]\n'),
      ].join('---\n'),
    );
    const { code, rows } = await evalRows([name]);
    expect(code).toBe(1);
    expect(verdicts(rows, 'yaml11.yaml#0 Pod/merged', 'pss-privileged')).toEqual(ALL('deny'));
    expect(verdicts(rows, 'yaml11.yaml#1 Pod/binary-root', 'pss-run-as-user')).toEqual(ALL('deny'));
    expect(verdicts(rows, 'yaml11.yaml#2 Pod/yes-host', 'pss-host-namespaces')).toEqual(ALL('deny'));
    expect(verdicts(rows, 'yaml11.yaml#3 Pod/float-root', 'pss-run-as-user')).toEqual(ALL('deny'));
    // 0o1750 = 1000: inside require-fsgroup-range's 1..65535.
    expect(verdicts(rows, 'yaml11.yaml#4 Pod/octal-group', 'require-fsgroup-range')).toEqual(ALL('allow'));
  }, 120_000);

  it.each([
    [
      'a merge that overrides an explicit key above it',
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: false\n  <<: {hostNetwork: true}\n  containers: []\n',
      'm.yaml:6:3: the merge key (<<) sets "hostNetwork", which this mapping already set above it; kubectl (go-yaml v2) lets the merge win, other YAML readers keep the explicit value. Fix: put <<: before the explicit keys.',
    ],
    [
      'an infinite float',
      'a: .inf\n',
      'm.yaml:1:4: ".inf" is an infinite or NaN float, which JSON (and so kubectl) cannot carry. Fix: quote it or use a number.',
    ],
    [
      'an application tag',
      'a: !secret x\n',
      'm.yaml:1:12: the tag "!secret" is not one podsec reads the way kubectl does. Fix: remove the tag and write the plain value.',
    ],
    ['a duplicate key', 'kind: Pod\nkind: Deployment\n', 'm.yaml:2:1: the key "kind" appears twice in one mapping. Fix: keep one of them.'],
    [
      'a wrong-typed field (the API server refuses it)',
      POD('p', 'spec:\n  securityContext: {runAsUser: "0"}\n  containers: []\n'),
      'm.yaml#0 Pod/p: .spec.securityContext.runAsUser is a string ("0"), but the API server requires an integer there and would refuse the object. Fix: correct the field\'s type (quote strings, write numbers and booleans unquoted).',
    ],
    [
      'a null list item',
      POD('p', 'spec:\n  containers: [null]\n'),
      'm.yaml#0 Pod/p: .spec.containers[0] is null; the API server would decode an empty value there, which no tool reads the same way. Fix: remove the item.',
    ],
  ])('refuses %s with the line and a fix (exit 2)', async (_what, text, message) => {
    file('m.yaml', text);
    const r = await podsec(['eval', '--build', build, 'm.yaml'], work);
    expect([r.code, r.stderr]).toEqual([2, `podsec: ${message}\n`]);
  });
});

describe('explicit null is unset', () => {
  const compliant = (extra: string) =>
    POD(
      'helm',
      `  annotations: null\nspec:\n  initContainers: null\n  ephemeralContainers: null\n  hostNetwork: null\n  volumes: null\n  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: c\n    image: x\n    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL], add: null}${extra}}\n`,
    );

  it('eval normalises as the API server does: a restricted-compliant Pod with Helm nulls passes the restricted bundle in every engine', async () => {
    const { code, rows } = await evalRows(['--engine', 'all', file('helm.yaml', compliant(''))]);
    const restricted = loadBuildFromDir(build).manifest.bundles!['pss-restricted']!;
    expect(restricted.length).toBe(15);
    for (const policy of restricted) expect([policy, verdicts(rows, 'helm.yaml#0 Pod/helm', policy)]).toEqual([policy, ALL('allow')]);
    expect(code).toBe(1); // the seed policies ask for more (read-only root, run-as-group, …)
  }, 120_000);

  it('the emitted policies themselves read raw nulls as absent: every engine agrees with the reference on un-normalised objects', async () => {
    const loaded = loadBuildFromDir(build);
    const raw = (name: string, object: Record<string, unknown>): Fixture => ({ name, group: 'user', object });
    const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', ...metadata },
      spec,
    });
    const c = (securityContext: unknown) => ({ name: 'c', image: 'x', securityContext });
    const fixtures = [
      raw('initContainers: null', pod({ initContainers: null, containers: [c({ allowPrivilegeEscalation: false })] })),
      raw('securityContext: null', pod({ securityContext: null, containers: [c(null)] })),
      raw('capabilities.add: null', pod({ containers: [c({ capabilities: { add: null, drop: ['ALL'] } })] })),
      raw('hostNetwork: null, annotations: null', pod({ hostNetwork: null, hostPID: null, containers: [c({})] }, { annotations: null })),
      raw('seccompProfile: null', pod({ securityContext: { seccompProfile: null }, containers: [c({ seccompProfile: { type: null } })] })),
      raw('jobTemplate: null', { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj' }, spec: { schedule: '* * * * *', jobTemplate: null } }),
      raw('template.spec: null', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata: null, spec: null } } }),
    ];
    const { adapters, notRun } = await loadAdapters(loaded, ['rego', 'kyverno', 'vpol', 'vap']);
    try {
      expect(notRun).toEqual([]);
      const result = verify({ build: loaded, adapters, notRun, fixtures, random: 0, seed: 1 });
      expect(result.disagreements.map((d) => `${d.fixture.name} ${d.policy} ${d.engines.join(',')}`)).toEqual([]);
      expect(result.totals.evaluations).toBe(fixtures.length * loaded.irs.size * 4);
    } finally {
      for (const a of adapters) a.close?.();
    }
  }, 180_000);
});

describe('apiVersion and kind: only the versions the API server serves', () => {
  it.each([
    ['extensions/v1beta1', 'Deployment', 'apps/v1'],
    ['apps/v1beta2', 'Deployment', 'apps/v1'],
    ['batch/v1beta1', 'CronJob', 'batch/v1'],
    ['v2', 'Pod', 'v1'],
    ['apps/v1', 'Pod', 'v1'],
  ])('%s %s is refused for every engine alike (exit 2)', async (apiVersion, kind, served) => {
    file('v.yaml', `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: x}\nspec: {}\n`);
    const r = await podsec(['eval', '--build', build, 'v.yaml'], work);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `podsec: v.yaml#0 ${kind}/x: ${kind} with apiVersion "${apiVersion}": podsec evaluates ${kind} only as ${served}, the version the API server serves (older versions such as extensions/v1beta1, apps/v1beta2 and batch/v1beta1 are no longer served, so a cluster refuses them). Fix: set apiVersion: ${served}.\n`,
    );
  });
});

describe('Lists, directories and what was skipped', () => {
  it('evaluates Lists inside Lists and .YAML files, names what it skipped', async () => {
    const item = (n: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: n }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    file(
      'dir/a.YAML',
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'List', items: [item('p1'), item('p2')] }, item('p3')] }),
    );
    file('dir/notes.txt', 'not a manifest');
    file('dir/sub/b.yml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p4}\nspec: {containers: [{name: c, image: x}]}\n');
    const r = await evalRows(['--engine', 'rego', 'dir']);
    expect(r.stderr).toBe('podsec: skipped dir/notes.txt: not .yaml, .yml or .json\n');
    expect([...new Set(r.rows.map((x) => x.resource))]).toEqual([
      'dir/a.YAML#0.items[0].items[0] Pod/p1',
      'dir/a.YAML#0.items[0].items[1] Pod/p2',
      'dir/a.YAML#0.items[1] Pod/p3',
      'dir/sub/b.yml#0 Pod/p4',
    ]);
  }, 60_000);

  it('zero resources is an error (exit 2), never [] with exit 0', async () => {
    mkdirSync(join(work, 'empty'), { recursive: true });
    file('only-text/readme.txt', 'x');
    file('only-empty.yaml', '---\n# nothing\n---\n');
    expect(await podsec(['eval', '--build', build, 'empty'], work)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'podsec: empty: no Kubernetes resources found. Fix: pass YAML/JSON manifests (.yaml, .yml or .json inside directories).\n',
    });
    expect((await podsec(['eval', '--build', build, 'only-text'], work)).stderr).toBe(
      'podsec: only-text: no Kubernetes resources found (skipped: only-text/readme.txt: not .yaml, .yml or .json). Fix: pass YAML/JSON manifests (.yaml, .yml or .json inside directories).\n',
    );
    expect((await podsec(['eval', '--build', build, 'only-empty.yaml'], work)).code).toBe(2);
  });
});

describe('restrict-localhost-profiles honours the legacy AppArmor annotation', () => {
  it('a localhost/ profile named only in the annotation must be an allowed one, in every engine', async () => {
    const annotated = (name: string, value: string) =>
      POD(name, `  annotations:\n    container.apparmor.security.beta.kubernetes.io/c: ${value}\nspec:\n  containers: [{name: c, image: x}]\n`);
    const name = file(
      'apparmor.yaml',
      [annotated('evil', 'localhost/evil'), annotated('ok', 'localhost/k8s-apparmor-example-deny-write'), annotated('rt', 'runtime/default')].join('---\n'),
    );
    const { rows } = await evalRows([name]);
    expect(verdicts(rows, 'apparmor.yaml#0 Pod/evil', 'restrict-localhost-profiles')).toEqual(ALL('deny'));
    expect(verdicts(rows, 'apparmor.yaml#1 Pod/ok', 'restrict-localhost-profiles')).toEqual(ALL('allow'));
    expect(verdicts(rows, 'apparmor.yaml#2 Pod/rt', 'restrict-localhost-profiles')).toEqual(ALL('allow'));
  }, 120_000);
});

describe('hostile files: one line naming the file and the fix', () => {
  it('binary garbage is refused without echoing it', async () => {
    file('bin.yaml', Buffer.concat([Buffer.from('kind: Pod\n'), Buffer.alloc(5000, 0xff), Buffer.from([0]), Buffer.alloc(5000, 7)]));
    const r = await podsec(['eval', '--build', build, 'bin.yaml'], work);
    expect([r.code, r.stderr]).toEqual([
      2,
      'podsec: bin.yaml: binary content (a NUL byte at offset 5010), not YAML or JSON. Fix: pass Kubernetes manifests as text.\n',
    ]);
    file('latin1.yaml', Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]));
    expect((await podsec(['eval', '--build', build, 'latin1.yaml'], work)).stderr).toBe(
      'podsec: latin1.yaml: not UTF-8 text, so not YAML or JSON. Fix: pass Kubernetes manifests saved as UTF-8.\n',
    );
  });

  it('a symbolic link loop is named; a directory link back to its parent is skipped, not walked forever', async () => {
    symlinkSync('loop.yaml', join(work, 'loop.yaml'));
    expect(await podsec(['eval', '--build', build, 'loop.yaml'], work)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'podsec: loop.yaml: a symbolic link loop. Fix: remove or repoint the link.\n',
    });
    file('cyclic/p.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n');
    mkdirSync(join(work, 'cyclic', 'sub'));
    symlinkSync('..', join(work, 'cyclic', 'sub', 'back'));
    symlinkSync('.', join(work, 'cyclic', 'self'));
    symlinkSync('knot.yaml', join(work, 'cyclic', 'knot.yaml'));
    const r = await evalRows(['--engine', 'rego', 'cyclic']);
    expect(r.stderr).toBe(
      [
        'podsec: skipped cyclic/knot.yaml: a symbolic link loop',
        'podsec: skipped cyclic/self: already read (a symbolic link points back to it)',
        'podsec: skipped cyclic/sub/back: already read (a symbolic link points back to it)',
        '',
      ].join('\n'),
    );
    expect(r.rows.some((x) => x.resource === 'cyclic/p.yaml#0 Pod/p')).toBe(true);
  }, 60_000);

  it('a FIFO is refused instead of blocking; an unreadable file is named', async () => {
    execFileSync('mkfifo', [join(work, 'pipe.yaml')]);
    expect((await podsec(['eval', '--build', build, 'pipe.yaml'], work)).stderr).toBe(
      'podsec: pipe.yaml: not a regular file (a pipe, socket or device). Fix: pass YAML/JSON files, or - to read stdin.\n',
    );
    file('secret.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: s}\nspec: {containers: [{name: c, image: x}]}\n');
    chmodSync(join(work, 'secret.yaml'), 0o000);
    const r = await podsec(['eval', '--build', build, '--engine', 'rego', 'secret.yaml'], work);
    // root reads any file; everyone else gets the one-line refusal.
    if (process.getuid?.() === 0) expect(r.stdout).toContain('secret.yaml#0 Pod/s');
    else expect([r.code, r.stderr]).toEqual([2, 'podsec: secret.yaml: permission denied. Fix: make it readable (chmod +r) or leave it out.\n']);
  }, 60_000);

  it('pss import of a directory is named', async () => {
    mkdirSync(join(work, 'cfgdir'), { recursive: true });
    expect(await podsec(['pss', 'import', 'cfgdir', '--out', 'x.ts'], work)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'podsec: cfgdir: is a directory. Fix: pass the AdmissionConfiguration YAML file itself.\n',
    });
  });
});
