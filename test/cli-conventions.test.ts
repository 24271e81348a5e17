import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PODSEC_VERSION } from '@podsec/compilers';
import fc from 'fast-check';
import { unifiedDiff } from '../packages/cli/src/diff.js';
import { userCwd } from '../packages/cli/src/io.js';
import { podsec, scratchDir } from './support/cli.js';
import { repoRoot } from './support/shared.js';

const made: string[] = [];
const scratch = (prefix: string) => {
  const dir = scratchDir(prefix);
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const POLICY = (name: string, require = "container('privileged').optional.equals(false)") => `import { container, definePolicy } from 'podsec';
export default definePolicy({
  name: '${name}',
  title: 'T ${name}',
  rules: [{ id: 'r', message: 'no privileged', require: ${require} }],
});
`;

function policyDir(policies: Record<string, string>): string {
  const dir = scratch('conv');
  mkdirSync(join(dir, 'policies'));
  for (const [file, text] of Object.entries(policies)) writeFileSync(join(dir, 'policies', file), text);
  return dir;
}

describe('podsec command-line conventions', () => {
  it('--version prints the version; exit 0', async () => {
    const r = await podsec(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${PODSEC_VERSION}\n`, stderr: '' });
  });

  it('refuses a policy module with a type error: file:line:col and the compiler message, exit 2', async () => {
    const dir = policyDir({ 'bad.ts': POLICY('bad', "container('privileged').equals('yes')") });
    for (const command of [
      ['build', 'policies', '--out', 'gen'],
      ['verify', 'policies', '--random', '0'],
      ['eval', '--policies', 'policies', 'pod.yaml'],
    ]) {
      writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: x}]}\n');
      const r = await podsec(command, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^ {2}policies\/bad\.ts:5:\d+ - error TS2345: Argument of type 'string' is not assignable to parameter of type 'boolean'\.$/m);
      expect(r.stderr).toContain('--no-typecheck');
    }
    expect(existsSync(join(dir, 'gen'))).toBe(false);
    // --no-typecheck skips the compiler (whatever the DSL itself then says about the value).
    const skipped = await podsec(['build', 'policies', '--out', 'gen', '--no-typecheck'], dir);
    expect(skipped.stderr).not.toContain('type error');
  });

  it('--policy selects policies by name or glob, and names the choices when a pattern matches nothing', async () => {
    const dir = policyDir({ 'a.ts': POLICY('team-a'), 'b.ts': POLICY('team-b'), 'c.ts': POLICY('other') });
    const r = await podsec(['build', 'policies', '--out', 'gen', '--policy', 'team-*'], dir);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'gen', 'manifest.json'), 'utf8')) as { policies: { name: string }[] };
    expect(manifest.policies.map((p) => p.name)).toEqual(['team-a', 'team-b']);
    const v = await podsec(['verify', 'policies', '--random', '0', '--policy', 'other', '--format', 'json'], dir);
    expect(v.code).toBe(0);
    expect((JSON.parse(v.stdout) as { policies: string[] }).policies).toEqual(['other']);
    const none = await podsec(['verify', 'policies', '--policy', 'nope*'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--policy "nope*" matches no policy');
    expect(none.stderr).toContain('team-a');
  });

  it('eval --build DIR evaluates a build directory (no policy sources needed)', async () => {
    const dir = policyDir({ 'a.ts': POLICY('no-priv') });
    expect((await podsec(['build', 'policies', '--out', 'gen'], dir)).code).toBe(0);
    rmSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec: {containers: [{name: a, image: x, securityContext: {privileged: true}}]}\n',
    );
    const r = await podsec(['eval', '--build', 'gen', '--format', 'json', 'pod.yaml'], dir);
    expect(r.stderr).toBe('');
    const rows = JSON.parse(r.stdout) as { policy: string; engine: string; verdict: string }[];
    expect(rows.map((x) => `${x.engine}:${x.verdict}`).sort()).toEqual(['gatekeeper:deny', 'kyverno:deny', 'rego:deny', 'vap:deny', 'vpol:deny']);
    expect(r.code).toBe(1);
  });

  it('build --check prints a unified diff of a changed file and says "missing" for a deleted one', async () => {
    const dir = policyDir({ 'a.ts': POLICY('no-priv') });
    expect((await podsec(['build', 'policies', '--out', 'gen'], dir)).code).toBe(0);
    const kyverno = join(dir, 'gen', 'kyverno', 'no-priv.yaml');
    writeFileSync(kyverno, readFileSync(kyverno, 'utf8').replace('no privileged', 'hand edited'));
    unlinkSync(join(dir, 'gen', 'vap', 'no-priv.yaml'));
    const r = await podsec(['build', 'policies', '--out', 'gen', '--check', '--diff'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('  kyverno/no-priv.yaml: differs from what the sources generate');
    expect(r.stderr).toContain('  vap/no-priv.yaml: missing');
    expect(r.stdout).toContain('--- a/kyverno/no-priv.yaml\n+++ b/kyverno/no-priv.yaml\n@@ ');
    expect(r.stdout).toMatch(/^-.*hand edited$/m);
    expect(r.stdout).toMatch(/^\+.*no privileged$/m);
    expect(r.stdout).toContain('--- /dev/null\n+++ b/vap/no-priv.yaml\n');
    // Not a terminal and no --diff: names only.
    const quiet = await podsec(['build', 'policies', '--out', 'gen', '--check'], dir);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe('');
  });

  it('verify is repeatable by default and says when the PSA fixtures are absent', async () => {
    const dir = scratch('psa-absent');
    const args = ['verify', join(repoRoot, 'policies', 'pss'), '--policy', 'pss-privileged', '--random', '20', '--no-typecheck'];
    const a = await podsec(args, dir);
    const b = await podsec(args, dir);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('seed 1 ');
    expect(a.stderr).toContain('podsec: no Pod Security Admission fixtures at ../shared/conformance/psa, so the pss-* bundles are checked without');
    expect(a.stdout).not.toMatch(/^psa /m);
    const random = await podsec([...args, '--seed', 'random'], dir);
    expect(random.stdout).toMatch(/rerun with --random 20 --seed \d+\)/);
  });

  it('paths are relative to the directory the user ran from (INIT_CWD under a "podsec" package script)', () => {
    expect(userCwd({ npm_lifecycle_event: 'podsec', INIT_CWD: '/home/me/sub' }, '/repo')).toBe('/home/me/sub');
    expect(userCwd({ npm_lifecycle_event: 'test', INIT_CWD: '/home/me/sub' }, '/repo')).toBe('/repo');
    expect(userCwd({}, '/repo')).toBe('/repo');
  });
});

describe('podsec init', () => {
  it('scaffolds an empty directory: example policy, tsconfig, scripts, CI; the result builds', async () => {
    const parent = scratch('init');
    const r = await podsec(['init', 'repo'], parent);

    expect(r.code).toBe(0);
    const dir = join(parent, 'repo');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      type: string;
      scripts: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(pkg.type).toBe('module');
    expect(pkg.scripts['policies:check']).toBe('podsec build policies --out generated --check');
    expect(pkg.devDependencies.podsec).toBe(`^${PODSEC_VERSION}`);
    for (const f of ['policies/require-run-as-non-root.ts', 'tsconfig.json', '.github/workflows/podsec.yml', '.gitlab-ci.yml'])
      expect(r.stdout).toContain(`created  repo/${f}`);
    for (const ci of ['.github/workflows/podsec.yml', '.gitlab-ci.yml']) {
      const text = readFileSync(join(dir, ci), 'utf8');
      expect(text).toContain('npx podsec build policies --out generated --check');
      expect(text).toContain('npx podsec verify policies');
    }
    const build = await podsec(['build', 'policies', '--out', 'generated'], dir);

    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/^generated: 1 policies/);
  });

  it('extends an existing package.json and never overwrites a file', async () => {
    const dir = scratch('init-existing');
    const own = { name: 'mine', version: '1.0.0', scripts: { 'policies:build': 'my own build' }, devDependencies: { podsec: 'file:podsec.tgz' } };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(own));
    writeFileSync(join(dir, 'tsconfig.json'), '{"mine": true}\n');
    const r = await podsec(['init'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kept     tsconfig.json (exists)');
    expect(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).toBe('{"mine": true}\n');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof own & { scripts: Record<string, string> };
    expect(pkg.scripts['policies:build']).toBe('my own build');
    expect(pkg.scripts['policies:verify']).toBe('podsec verify policies');
    expect(pkg.devDependencies.podsec).toBe('file:podsec.tgz');
    expect(pkg.name).toBe('mine');
    // A CommonJS package gets ES-module policies through policies/package.json.
    expect(JSON.parse(readFileSync(join(dir, 'policies', 'package.json'), 'utf8'))).toEqual({ type: 'module' });
    const policy = join(dir, 'policies', 'require-run-as-non-root.ts');
    writeFileSync(policy, '// mine\n');
    const again = await podsec(['init'], dir);
    expect(again.stdout).toContain('kept     policies/require-run-as-non-root.ts (exists)');
    expect(readFileSync(policy, 'utf8')).toBe('// mine\n');
  });

  it('refuses a package.json that is not JSON, naming it, exit 2', async () => {
    const dir = scratch('init-bad');
    writeFileSync(join(dir, 'package.json'), '{ nope');
    const r = await podsec(['init'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^podsec: package\.json: not valid JSON .*Fix: correct package\.json/);
  });
});

describe('unified diff', () => {
  /** Applies a unified diff to `old` (the inverse of unifiedDiff), to check hunks are exact. */
  function apply(old: string[], patch: string): string[] {
    const out: string[] = [];
    let at = 0;
    const lines = patch.split('\n').slice(2, -1);
    for (let i = 0; i < lines.length; i++) {
      const m = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[i]!);
      if (!m) throw new Error(`bad hunk header ${lines[i]}`);
      const start = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
      out.push(...old.slice(at, start));
      at = start;
      while (i + 1 < lines.length && !lines[i + 1]!.startsWith('@@')) {
        const l = lines[++i]!;
        if (l[0] === ' ' || l[0] === '-') {
          expect(old[at]).toBe(l.slice(1));
          at++;
        }
        if (l[0] === ' ' || l[0] === '+') out.push(l.slice(1));
      }
    }
    return [...out, ...old.slice(at)];
  }

  it('matches GNU diff -u on a simple change', () => {
    const dir = scratch('diff');
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
    const b = 'a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n';
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    let gnu = '';
    try {
      execFileSync('diff', ['-u', '--label', 'a/x', '--label', 'b/x', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
    } catch (e) {
      gnu = (e as { stdout: string }).stdout;
    }
    expect(unifiedDiff(a, b, 'a/x', 'b/x')).toBe(gnu);
  });

  it('round-trips: applying the diff to the old text gives the new text', () => {
    const lines = fc.array(fc.constantFrom('x', 'y', 'z', 'w'), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const patch = unifiedDiff(a.map((l) => `${l}\n`).join(''), b.map((l) => `${l}\n`).join(''), 'a', 'b');
        if (a.join() === b.join()) return patch === '';
        return apply(a, patch).join('\n') === b.join('\n');
      }),
      { numRuns: 300 },
    );
  });
});
