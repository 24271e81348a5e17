/**
 * The `podsec` executable type-checks on a worker thread while the child imports the policy
 * modules and the main thread compiles them (issue 15). These run the real executable: a type
 * error still wins and stops a module that hangs, the output is the same bytes as the in-thread
 * (sequential) path gives, and the clean-check cache re-checks after an edit to a policy or to a
 * helper module it imports.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podsec, scratchDir } from './support/cli.js';
import { repoRoot } from './support/shared.js';

const BIN = join(repoRoot, 'packages', 'cli', 'src', 'bin.ts');
const TSX = import.meta.resolve('tsx/esm');

/** The one-shot executable (bin.ts), as `pnpm podsec` runs it. */
function podsecBin(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, ['--import', TSX, BIN, ...args], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    timeout: 110_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HEAD = "import { container, definePolicy } from '@podsec/dsl';\n";
const POLICY = (name: string, check: string) =>
  `${HEAD}export default definePolicy({ name: '${name}', title: 'T', rules: [{ id: 'r', message: 'm', require: ${check} }] });\n`;
const OK = "container('privileged').optional.equals(false)";
const BAD = "container('privileged').equals('yes')";

function policyDir(files: Record<string, string>): string {
  const dir = scratchDir('overlap');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** Every file below `dir`, path → content. */
function tree(dir: string): Record<string, string> {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
  return Object.fromEntries(files.sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

describe('podsec build: type check and import overlap', () => {
  it('a type error wins and stops a module that never returns (no wait for its load timeout)', () => {
    const dir = policyDir({ 'bad.ts': POLICY('bad', BAD), 'loop.ts': `${HEAD}while (true) {}\n${POLICY('loop', OK).slice(HEAD.length)}` });
    // Ten minutes per module: only the type check's failure can end this run within the test's bound.
    const r = podsecBin(['build', '.', '--out', 'gen'], dir, { PODSEC_MODULE_TIMEOUT_MS: '600000' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ {2}bad\.ts:2:\d+ - error TS2345: Argument of type 'string' is not assignable to parameter of type 'boolean'\.$/m);
    expect(r.stderr).not.toContain('loading');
    expect(readdirSync(dir)).not.toContain('gen');
  }, 120_000);

  it('a type error wins over a module that ends the process', () => {
    const dir = policyDir({ 'bad.ts': POLICY('bad', BAD), 'exit.ts': `${HEAD}process.exit(3);\n` });
    const r = podsecBin(['build', '.', '--out', 'gen'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error TS2345');
    expect(r.stderr).not.toContain('process.exit');
  }, 120_000);

  it('the overlapped build writes the same bytes as the sequential one', async () => {
    const dir = policyDir({
      'a.ts': POLICY('pol-a', OK),
      'b.ts': POLICY('pol-b', "container('seccompProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost'])"),
    });
    const r = podsecBin(['build', '.', '--out', 'bin-out'], dir);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect((await podsec(['build', '.', '--out', 'lib-out'], dir)).code).toBe(0);
    const bin = tree(join(dir, 'bin-out'));
    expect(Object.keys(bin)).toContain('manifest.json');
    expect(bin).toEqual(tree(join(dir, 'lib-out')));
  }, 120_000);

  it('the clean-check cache re-checks after an edit to a policy or to a helper it imports', () => {
    const cache = scratchDir('overlap-cache');
    const helper = (check: string) => `import { container } from '@podsec/dsl';\nexport const rule = () => ${check};\n`;
    const usesHelper = `import { definePolicy } from '@podsec/dsl';\nimport { rule } from './_helper.js';\nexport default definePolicy({ name: 'uses-helper', title: 'T', rules: [{ id: 'r', message: 'm', require: rule() }] });\n`;
    const dir = policyDir({ '_helper.ts': helper(OK), 'a.ts': usesHelper, 'b.ts': POLICY('pol-b', OK) });
    const env = { PODSEC_CACHE_DIR: cache };
    expect(podsecBin(['build', '.', '--out', 'gen'], dir, env).code).toBe(0);
    expect(readdirSync(cache)).toContain('typecheck.json');
    writeFileSync(join(dir, '_helper.ts'), helper(BAD));
    const helperEdit = podsecBin(['build', '.', '--out', 'gen'], dir, env);
    expect(helperEdit.code).toBe(2);
    expect(helperEdit.stderr).toMatch(/^ {2}_helper\.ts:2:\d+ - error TS2345/m);
    writeFileSync(join(dir, '_helper.ts'), helper(OK));
    writeFileSync(join(dir, 'b.ts'), POLICY('pol-b', BAD));
    const policyEdit = podsecBin(['build', '.', '--out', 'gen'], dir, env);
    expect(policyEdit.code).toBe(2);
    expect(policyEdit.stderr).toMatch(/^ {2}b\.ts:2:\d+ - error TS2345/m);
  }, 240_000);
});
