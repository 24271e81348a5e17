// `podsec test rego` runs test_ rules like `opa test` (OPA docs, "Policy Testing"): a test passes
// when its rule is defined and not false; undefined or false fails; todo_test_ rules are skipped;
// --run filters by a regex over the rule's data path; exit 0 = all pass, 1 = failures, 2 = usage
// or load errors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { regoTestCommand } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const dir = mkdtempSync(join(tmpdir(), 'podsec-rego-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `package k8s.privileged
import rego.v1

violation contains {"msg": msg} if {
  some c in input.review.object.spec.containers
  c.securityContext.privileged
  msg := sprintf("privileged container is not allowed: %v", [c.name])
}
`;

const TESTS = `package k8s.privileged
import rego.v1

pod(containers) := {"review": {"object": {"spec": {"containers": containers}}}}

test_privileged_denied if {
  results := violation with input as pod([{"name": "a", "securityContext": {"privileged": true}}])
  count(results) == 1
}

test_unprivileged_allowed if {
  results := violation with input as pod([{"name": "a"}])
  count(results) == 0
}

# v0 syntax test bodies work too
test_message_names_the_container {
  some r in violation with input as pod([{"name": "web", "securityContext": {"privileged": true}}])
  r.msg == "privileged container is not allowed: web"
}

todo_test_later if false
`;

const FAILING = `package k8s.failing
import rego.v1

test_false if false
test_undefined if input.nothing
test_true if true
test_conflict := x if { some x in [1, 2] }
`;

function files(name: string, contents: Record<string, string>): string {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(contents)) writeFileSync(join(d, f), text);
  return d;
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await regoTestCommand(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: dir });
  return { code, out, err };
}

describe('podsec test rego', () => {
  it('runs every test_ rule of the given directory with `with input as` fixtures: exit 0', async () => {
    files('ok', { 'src.rego': POLICY, 'src_test.rego': TESTS });
    const r = await run(['-v', 'ok']);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^ok\/src_test\.rego:\n/);
    expect(r.out).toMatch(/data\.k8s\.privileged\.test_privileged_denied: PASS \(/);
    expect(r.out).toMatch(/data\.k8s\.privileged\.test_unprivileged_allowed: PASS \(/);
    expect(r.out).toMatch(/data\.k8s\.privileged\.test_message_names_the_container: PASS \(/);
    expect(r.out).toMatch(/data\.k8s\.privileged\.todo_test_later: SKIPPED\n/);
    expect(r.out).toMatch(/PASS: 3\/4\nSKIPPED: 1\/4\n$/);
    expect(r.code).toBe(0);
  });

  it('false, undefined and erroring tests fail with exit 1; only failures are listed without -v', async () => {
    files('bad', { 'bad_test.rego': FAILING });
    const r = await run(['bad/bad_test.rego']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAILURES\n/);
    expect(r.out).toMatch(/data\.k8s\.failing\.test_false: FAIL/);
    expect(r.out).toMatch(/data\.k8s\.failing\.test_undefined: FAIL/);
    expect(r.out).toMatch(/data\.k8s\.failing\.test_conflict: ERROR[^\n]*\n {2}[^\n]*eval_conflict_error/);
    expect(r.out).not.toMatch(/test_true/);
    expect(r.out).toMatch(/PASS: 1\/4\nFAIL: 2\/4\nERROR: 1\/4\n$/);
  });

  it('--run selects tests by a regular expression over their data path', async () => {
    const r = await run(['--run', 'test_true|unprivileged', 'ok', 'bad']);
    expect(r.out).toMatch(/PASS: 2\/2\n$/);
    expect(r.code).toBe(0);
    const none = await run(['--run', 'no_such_test', 'ok']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no test matches --run no_such_test/);
  });

  it('a test outside the supported subset is an ERROR for that test, not for the others', async () => {
    files('mixed', {
      'm_test.rego': 'package m\nimport rego.v1\ntest_ok if true\ntest_unsupported if time.now_ns() > 0\n',
    });
    const r = await run(['-v', 'mixed']);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/data\.m\.test_ok: PASS/);
    expect(r.out).toMatch(/data\.m\.test_unsupported: ERROR[^\n]*\n {2}mixed\/m_test\.rego:4:\d+: unsupported: built-in function time\.now_ns/);
  });

  it('usage and load errors exit 2 with one message', async () => {
    expect((await run([])).code).toBe(2);
    const missing = await run(['nope']);
    expect(missing).toEqual({ code: 2, out: '', err: 'podsec test rego: nope: no such file or directory\n' });
    files('syntax', { 'x.rego': 'package x\ntest_a if {\n' });
    const syntax = await run(['syntax']);
    expect(syntax.code).toBe(2);
    expect(syntax.err).toMatch(/^podsec test rego: syntax\/x\.rego:\d+:\d+: /);
    files('notests', { 'p.rego': POLICY });
    const none = await run(['notests']);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/no test rules \(test_\*\) in notests/);
    expect((await run(['--run', '(', 'ok'])).code).toBe(2);
    expect((await run(['--bogus', 'ok'])).code).toBe(2);
  });
});
