/**
 * podsec as a user gets it: `pnpm pack:release` packs dist/podsec-<version>.tgz, plain npm
 * installs it into an empty project outside the checkout (so nothing can resolve through the
 * workspace), and the README's "Use podsec in your own repo" steps run there.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PODSEC_VERSION } from '@podsec/compilers';
import { repoRoot } from './support/shared.js';

const project = mkdtempSync(join(tmpdir(), 'podsec-install-'));
const tarball = join(repoRoot, 'dist', `podsec-${PODSEC_VERSION}.tgz`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in the project with a clean environment: no workspace paths, no pnpm variables. */
function sh(command: string, args: string[], cwd = project): Run {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true', npm_config_update_notifier: 'false' };
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const podsec = (...args: string[]) => sh('npx', ['--no-install', 'podsec', ...args]);

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: default}
spec:
  containers: [{name: app, image: nginx, securityContext: {runAsNonRoot: false}}]
---
apiVersion: v1
kind: Pod
metadata: {name: good, namespace: default}
spec:
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx}]
`;

beforeAll(() => {
  execFileSync('pnpm', ['run', '-s', 'pack:release'], { cwd: repoRoot, stdio: 'pipe' });
  const install = sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', tarball]);
  if (install.code !== 0) throw new Error(`npm install ${tarball} failed:\n${install.stderr}`);
}, 300_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('the packed podsec, installed with npm outside the checkout', () => {
  it('ships compiled JavaScript, declarations and the prebuilt Rego runtime; no build-time tools', () => {
    const pkgDir = join(project, 'node_modules', 'podsec');
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; exports: Record<string, unknown> };
    expect(Object.keys(pkg.exports)).toEqual(['.', './pss', './psp', './ir', './package.json']);
    for (const tool of ['assemblyscript', 'binaryen', 'wabt', 'esbuild']) expect(pkg.dependencies[tool]).toBeUndefined();
    expect(existsSync(join(pkgDir, 'lib', 'rego-runtime.wasm'))).toBe(true);
    expect(existsSync(join(pkgDir, 'lib', 'verify-worker.js'))).toBe(true);
    expect(existsSync(join(pkgDir, 'types', 'packages', 'podsec', 'src', 'pss.d.ts'))).toBe(true);
    expect(existsSync(join(pkgDir, 'types', 'packages', 'podsec', 'src', 'psp.d.ts'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'assemblyscript'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'binaryen'))).toBe(false);
    expect(podsec('--version').stdout).toBe(`${PODSEC_VERSION}\n`);
  });

  it('init, build, build --check, verify, eval (text and SARIF) and test kyverno work there', () => {
    const init = podsec('init');
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('created  policies/require-run-as-non-root.ts');
    expect(init.stdout).toContain('extended package.json');

    const build = podsec('build', 'policies', '--out', 'generated');
    expect(build).toMatchObject({ code: 0, stderr: '' });
    expect(build.stdout).toBe('generated: 1 policies → 9 files (9 written, 0 unchanged, 0 stale removed).\n');

    const check = podsec('build', 'policies', '--out', 'generated', '--check');
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('generated: 9 generated files are up to date.\n');

    const verify = podsec('verify', 'policies');
    expect(verify.code).toBe(0);
    expect(verify.stderr).not.toMatch(/worker thread failed/);
    expect(verify.stdout).toMatch(/^require-run-as-non-root +ok \d+ +ok \d+ +ok \d+ +ok \d+ +ok \d+$/m);
    expect(verify.stdout).toMatch(/^OK: \d+ fixtures, \d+ engine evaluations \(\d+ per engine: the total row above\), 0 disagreement\(s\)\.$/m);
    expect(verify.stdout).toContain('seed 1 ');
    expect(verify.stdout).toContain('Rego compiled to WebAssembly');

    writeFileSync(join(project, 'pods.yaml'), PRIVILEGED_POD);
    const ev = podsec('eval', 'pods.yaml');
    expect(ev.code).toBe(1);
    for (const engine of ['rego', 'gatekeeper', 'kyverno', 'vpol', 'vap']) {
      expect(ev.stdout).toContain(`pods.yaml#0 Pod/default/bad  require-run-as-non-root  ${engine}: deny`);
      expect(ev.stdout).toContain(`pods.yaml#1 Pod/default/good  require-run-as-non-root  ${engine}: allow`);
    }
    const sarif = podsec('eval', '--build', 'generated', '--format', 'sarif', 'pods.yaml');
    expect(sarif.code).toBe(1);
    const results = (JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] }).runs[0]!.results;
    expect(results).toHaveLength(5);
    expect(new Set(results.map((r) => r.ruleId))).toEqual(new Set(['require-run-as-non-root/run-as-non-root']));

    mkdirSync(join(project, 'kyverno-tests'));
    writeFileSync(join(project, 'kyverno-tests', 'resources.yaml'), PRIVILEGED_POD);
    writeFileSync(
      join(project, 'kyverno-tests', 'kyverno-test.yaml'),
      `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: run-as-non-root}
policies: [../generated/kyverno/require-run-as-non-root.yaml]
resources: [resources.yaml]
results:
- {policy: require-run-as-non-root, rule: run-as-non-root, kind: Pod, resources: [default/bad], result: fail}
- {policy: require-run-as-non-root, rule: run-as-non-root, kind: Pod, resources: [default/good], result: pass}
`,
    );
    const kt = podsec('test', 'kyverno', 'kyverno-tests');
    expect(kt.stderr).toBe('');
    expect(kt.code).toBe(0);
    expect(kt.stdout).toMatch(/2 passed|passed: 2|Test Summary: 2 tests passed/i);
  });

  it('type-checks policies against the shipped declarations: a wrong value type is refused at file:line:col', () => {
    mkdirSync(join(project, 'broken'));
    writeFileSync(
      join(project, 'broken', 'bad.ts'),
      `import { container, definePolicy } from 'podsec';
export default definePolicy({
  name: 'bad', title: 'Bad',
  rules: [{ id: 'r', message: 'm', require: container('privileged').equals('yes') }],
});
`,
    );
    const r = podsec('build', 'broken', '--out', 'broken-out');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}broken\/bad\.ts:4:\d+ - error TS2345: Argument of type 'string' is not assignable to parameter of type 'boolean'\.$/m);
  });

  it('pss import writes a module importing podsec/pss that type-checks and builds', () => {
    cpSync(join(repoRoot, 'examples', 'cluster-pss', 'admission-config.yaml'), join(project, 'admission-config.yaml'));
    const imp = podsec('pss', 'import', 'admission-config.yaml', '--out', 'cluster/pss.ts');
    expect(imp.code).toBe(0);
    expect(readFileSync(join(project, 'cluster', 'pss.ts'), 'utf8')).toContain("import { pssFromSettings } from 'podsec/pss';");
    const build = podsec('build', 'cluster', '--out', 'cluster-out', '--policy', 'enforce-*');
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^cluster-out: 12 policies/);
  });

  it('import gatekeeper writes a module importing podsec/psp that type-checks and builds', () => {
    writeFileSync(
      join(project, 'constraints.yaml'),
      `apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sPSPHostNamespace
metadata: {name: psp-host-namespace}
spec:
  match:
    kinds: [{apiGroups: [""], kinds: ["Pod"]}]
    excludedNamespaces: [kube-system]
`,
    );
    const imp = podsec('import', 'gatekeeper', 'constraints.yaml', '--out', 'gatekeeper/constraints.ts');
    expect(imp.stderr).toBe('');
    expect(imp.code).toBe(0);
    expect(readFileSync(join(project, 'gatekeeper', 'constraints.ts'), 'utf8')).toContain("import { pspPolicy } from 'podsec/psp';");
    const build = podsec('build', 'gatekeeper', '--out', 'gatekeeper-out');
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^gatekeeper-out: 1 policies/);
  });

  it("the README's policy-module example type-checks and builds as written", () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const example = /## Use podsec in your own repo[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(example).toContain("from 'podsec/pss'");
    mkdirSync(join(project, 'readme-example'));
    writeFileSync(join(project, 'readme-example', 'policies.ts'), example);
    const build = podsec('build', 'readme-example', '--out', 'readme-out');
    expect(build.stderr).toBe('');
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^readme-out: \d+ policies/);
  });
});
