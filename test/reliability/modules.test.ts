/**
 * Policy modules are user code: one that never returns, never settles its top-level await or calls
 * process.exit is stopped and named (issue 13), and two policies with one name are refused.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podsec, scratchDir } from '../support/cli.js';
import { podsecChild } from './support/child.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const POLICY = (name: string, check = "container('privileged').optional.equals(false)") =>
  `export const ${name.replace(/-/g, '_')} = definePolicy({ name: '${name}', title: 'T', rules: [{ id: 'r', message: 'm', require: ${check} }] });\n`;
const HEAD = "import { container, definePolicy } from '@podsec/dsl';\n";

function source(files: Record<string, string>): string {
  const dir = scratchDir('rel-mod');
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('a policy module that does not return control', () => {
  it.each([
    [
      'never returns (while (true))',
      'while (true) {}\n',
      'the policy module did not finish loading within 2 s (an endless loop, or a top-level await that never settles?)',
    ],
    [
      'never settles its top-level await',
      'await new Promise(() => {});\n',
      'the policy module stopped podsec while loading: its top-level await never settles.',
    ],
    ['calls process.exit(0)', 'process.exit(0);\n', 'the policy module stopped podsec while loading: it ended the process (process.exit(0)).'],
  ])(
    'one that %s is named, and build --check fails (never a hang or a silent exit 0)',
    (_what, body, reason) => {
      const src = source({ 'a.ts': HEAD + POLICY('pol-a'), 'z.ts': HEAD + body + POLICY('pol-z') });
      const out = join(src, 'out');
      const r = podsecChild(['build', src, '--out', out, '--check'], { env: { PODSEC_MODULE_TIMEOUT_MS: '2000' }, timeoutMs: 60_000 });
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(2); // a module that cannot be loaded is a load error
      expect(r.stderr).toMatch(new RegExp(`^podsec: ${join(src, 'z.ts').replace(/[.]/g, '\\.')}: ${reason.replace(/[.()?]/g, '\\$&')}`));
      expect(r.stderr).toMatch(/Fix: make the module only define and export policies\.\n$/);
      expect(r.stdout).toBe('');
    },
    90_000,
  );
});

describe('policy names are unique everywhere', () => {
  it('two definePolicy with one name in one module are refused (the later would replace the earlier)', async () => {
    const src = source({
      'dupe.ts': `${HEAD}${POLICY('dupe')}export const allowAll = definePolicy({ name: 'dupe', title: 'T', rules: [{ id: 'r', message: 'm', require: container('privileged').optional.equals(false) }] });\n`,
    });
    const r = await podsec(['build', src, '--out', join(src, 'out')]);
    expect([r.code, r.stderr]).toEqual([
      2,
      `podsec: ${join(src, 'dupe.ts')}: two different policies are named "dupe" in this module; the later would silently replace the earlier. Fix: give each policy a unique name.\n`,
    ]);
  }, 60_000);

  it('the same policy exported twice (named and default) is one policy', async () => {
    const src = source({ 'p.ts': `${HEAD}${POLICY('once')}export default once;\n` });
    const r = await podsec(['build', src, '--out', join(src, 'out')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1 policies → /);
  }, 60_000);
});
