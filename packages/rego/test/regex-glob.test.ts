// regex.match and glob.match run inside the module (assembly/regex.ts), so these tests load it with
// the bare SDK and no custom built-ins at all. Expected values come from the RE2 syntax reference
// (github.com/google/re2/wiki/Syntax: what Go's regexp, and so OPA, accepts) and OPA's glob.match
// documentation (gobwas/glob semantics, delimiters default to ["."], null means none).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileRego } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const SRC = `package t
regex := {i: regex.match(c[0], c[1]) | some i, c in input}
glob := {i: glob.match(c[0], c[1], c[2]) | some i, c in input}
`;

/** One value per case: true, false, or undefined where the built-in is undefined (invalid pattern). */
async function run(entry: 't/regex' | 't/glob', cases: unknown[][]): Promise<(boolean | undefined)[]> {
  const r = compileRego([{ path: 'm.rego', text: SRC }], { entrypoints: ['t/regex', 't/glob'] });
  expect(r.diagnostics.hostBuiltins).toEqual([]);
  const policy = await loadPolicy(r.wasm); // no custom built-ins: the module must be self-contained
  const [row] = policy.evaluate(cases, entry) as { result: Record<string, boolean> }[];
  return cases.map((_, i) => row!.result[String(i)]);
}

type Case = [pattern: string, text: string, expected: boolean | undefined];

async function checkRegex(cases: Case[]): Promise<void> {
  const got = await run(
    't/regex',
    cases.map(([p, s]) => [p, s]),
  );
  expect(cases.map(([p, s], i) => [p, s, got[i]])).toEqual(cases);
}

describe('regex.match: RE2 syntax inside the module', () => {
  it('searches anywhere unless anchored; . excludes newline unless (?s)', async () => {
    await checkRegex([
      ['b', 'abc', true],
      ['^b', 'abc', false],
      ['^a.c$', 'abc', true],
      ['^a.c$', 'a\nc', false],
      ['(?s)^a.c$', 'a\nc', true],
      ['', 'anything', true],
      ['^$', '', true],
      ['x', '', false],
    ]);
  });

  it('anchors: ^ $ per text, per line under (?m); \\A \\z; word boundaries', async () => {
    await checkRegex([
      ['^b$', 'a\nb\nc', false],
      ['(?m)^b$', 'a\nb\nc', true],
      ['\\Aab\\z', 'ab', true],
      ['\\Aab\\z', 'ab\n', false],
      ['\\bfoo\\b', 'a foo b', true],
      ['\\bfoo\\b', 'afoo', false],
      ['\\Bfoo', 'afoo', true],
    ]);
  });

  it('repetition: * + ? {n} {n,} {n,m}, lazy forms, nested groups', async () => {
    await checkRegex([
      ['^a{2}$', 'aa', true],
      ['^a{2}$', 'aaa', false],
      ['^a{2,3}$', 'aaaa', false],
      ['^a{2,}$', 'aaaaa', true],
      ['^ab*?c$', 'abbbc', true],
      ['^a+?$', 'aaa', true],
      ['^(a|ab)(c|bcd)(d*)$', 'abcd', true],
      ['^(a*)*$', 'b', false],
      ['(a*)*', 'b', true],
      ['^x{,3}$', 'x{,3}', true], // not a repeat: RE2 reads the braces literally
    ]);
  });

  it('matching is linear: a pattern that makes backtracking engines explode answers at once', async () => {
    await checkRegex([
      [`^(a+)+$`, `${'a'.repeat(5000)}!`, false],
      [`^(a|a)*$`, 'a'.repeat(5000), true],
    ]);
  });

  it('classes: brackets, negation, ranges, Perl and POSIX classes, escapes inside brackets', async () => {
    await checkRegex([
      ['^[a-c]+$', 'abcab', true],
      ['^[^a-c]$', 'd', true],
      ['^[^a-c]$', 'b', false],
      ['[]a]', ']', true],
      ['^[a-]$', '-', true],
      ['^\\d+$', '0123', true],
      ['\\D', '123', false],
      ['^\\s$', '\t', true],
      ['^\\s$', '\v', false], // RE2's \s is [\t\n\f\r ]
      ['^\\w+$', 'snake_case9', true],
      ['\\W', 'abc', false],
      ['^[\\d_]+$', '1_2', true],
      ['^[\\D]$', 'x', true],
      ['^[[:alpha:]]+[[:digit:]]$', 'ab1', true],
      ['^[[:^digit:]]$', '5', false],
      ['^[[:xdigit:]]+$', 'DEADbeef', true],
      ['^\\d$', '٣', false], // \d is ASCII only in RE2
    ]);
  });

  it('escapes: punctuation, \\x, \\x{…}, octal, \\Q…\\E, control characters', async () => {
    await checkRegex([
      ['^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$', '.*+?()[]{}|^$\\', true],
      ['^\\x41$', 'A', true],
      ['^\\x{1F600}$', '😀', true],
      ['^\\101$', 'A', true],
      ['^\\0$', '\u0000', true],
      ['\\Q.*\\E', 'a.*b', true],
      ['\\Q.*\\E', 'ab', false],
      ['^\\t\\n$', '\t\n', true],
    ]);
  });

  it('groups and flags: (?:…), (?P<n>…), (?<n>…), (?i) scoped to its group, (?i:…)', async () => {
    await checkRegex([
      ['^(?:ab)+$', 'abab', true],
      ['^(?P<name>a)b$', 'ab', true],
      ['^(?<name>a)b$', 'ab', true],
      ['(?i)abc', 'xABCx', true],
      ['^(?i:a)b$', 'Ab', true],
      ['^(?i:a)b$', 'AB', false],
      ['^((?i)a)b$', 'AB', false],
      ['^(?i)[k-m]+$', 'KLM', true],
      ['^(?i)é$', 'É', true],
      ['^(?U)a+$', 'aaa', true],
      ['^a|b|$', 'c', true],
    ]);
  });

  it('works on code points: . is one character, even outside the BMP', async () => {
    await checkRegex([
      ['^.$', '😀', true],
      ['^..$', '😀', false],
      ['^[😀-😂]$', '😁', true],
    ]);
  });

  it('a pattern RE2 rejects is undefined, as OPA without strict built-in errors', async () => {
    await checkRegex([
      ['(', 'a', undefined],
      [')', 'a', undefined],
      ['[a', 'a', undefined],
      ['a**', 'a', undefined],
      ['*a', 'a', undefined],
      ['x{2}{3}', 'xxxxxx', undefined],
      ['a{1001}', 'a', undefined],
      ['[z-a]', 'a', undefined],
      ['\\1', 'a', undefined], // backreference
      ['(?=a)', 'a', undefined], // lookahead
      ['(?!a)', 'a', undefined],
      ['(?<=a)b', 'ab', undefined], // lookbehind
      ['\\Z', 'a', undefined],
      ['\\e', 'a', undefined],
    ]);
  });

  it('RE2 syntax the engine does not implement stops evaluation with a message, never a guess', async () => {
    for (const pattern of ['\\pL', '\\p{Greek}', '[\\PL]', '\\C']) {
      // The SDK rethrows the module's abort message as a plain string.
      const thrown = await run('t/regex', [[pattern, 'a']]).then(
        () => 'no error',
        (e: unknown) => String(e),
      );
      expect(thrown).toContain(`regex.match: unsupported RE2 syntax in ${pattern}`);
    }
  });
});

describe('glob.match: gobwas/glob semantics inside the module', () => {
  const checkGlob = async (cases: [string, string[] | null, string, boolean | undefined][]) => {
    const got = await run(
      't/glob',
      cases.map(([p, d, s]) => [p, d, s]),
    );
    expect(cases.map(([p, d, s], i) => [p, d, s, got[i]])).toEqual(cases);
  };

  it("OPA's documented examples", async () => {
    await checkGlob([
      ['*.github.com', [], 'api.github.com', true],
      ['*.github.com', [], 'api.cdn.github.com', false],
      ['*hub.com', null, 'api.cdn.github.com', true],
      ['*:github:com', [':'], 'api:github:com', true],
      ['api.**.com', [], 'api.github.com', true],
      ['api.**.com', [], 'api.cdn.github.com', true],
      ['?at', [], 'cat', true],
      ['?at', [], 'at', false],
      ['[abc]at', [], 'bat', true],
      ['[!abc]at', [], 'cat', false],
      ['[a-c]at', [], 'cat', true],
      ['[!a-c]at', [], 'dat', true],
      ['{cat,bat,[fr]at}', [], 'rat', true],
      ['{cat,bat,[fr]at}', [], 'fat', true],
      ['{cat,bat}', [], 'fat', false],
    ]);
  });

  it('delimiters: [] means ".", null means none, several are allowed; ? never matches one', async () => {
    await checkGlob([
      ['*', [], 'a.b', false],
      ['*', null, 'a.b', true],
      ['a?b', [], 'a.b', false],
      ['a?b', null, 'a.b', true],
      ['*/*', ['/', ':'], 'a/b', true],
      ['*/*', ['/', ':'], 'a:x/b', false],
      ['**', ['/'], 'a/b/c', true],
    ]);
  });

  it('the whole string must match; backslash escapes; an invalid glob is undefined', async () => {
    await checkGlob([
      ['abc', [], 'xabcx', false],
      ['\\*', [], '*', true],
      ['\\*', [], 'a', false],
      ['[', [], 'a', undefined],
      ['{a,b', [], 'a', undefined],
      ['a*', [], '😀', false],
      ['?', null, '😀', true],
    ]);
  });
});
