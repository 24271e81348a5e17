/**
 * Bounded time and memory (issue 13): hostile or huge inputs are refused before evaluation with a
 * message naming the limit, in a child process whose peak memory is measured; large outputs are
 * streamed. The time bounds are the child's kill timeout (a hang fails the test), not speed asserts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalRow } from '@podsec/verify';
import { podsec, scratchDir } from '../support/cli.js';
import { podsecChild } from './support/child.js';

const MEMORY_BOUND_MB = 1024;
let work: string;
let build: string;
beforeAll(async () => {
  work = scratchDir('rel-limits');
  build = scratchDir('rel-limits-build');
  expect((await podsec(['build', 'policies', '--out', build])).code).toBe(0);
}, 120_000);
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(build, { recursive: true, force: true });
});

const pod = (name: string, containers = 1) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name },
  spec: { containers: Array.from({ length: containers }, (_, i) => ({ name: `c${i}`, image: 'x' })) },
});

describe('inputs beyond the documented limits are refused before evaluation', () => {
  const cases: [string, () => string | Buffer, string][] = [
    [
      'a 50 MB Pod (YAML)',
      () =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\n  annotations:\n    a: "${'x'.repeat(50 * 1024 * 1024)}"\nspec: {containers: [{name: c, image: x}]}\n`,
      "in.yaml: a YAML document is 50.0 MiB, more than the 3 MiB limit (the API server's request limit). Fix: split it into documents separated by ---, or pass it as JSON (kubectl get -o json).",
    ],
    [
      'a Pod with 100k containers',
      () => JSON.stringify(pod('wide', 100_000)),
      'in.yaml: a list has 100000 items, more than the limit of 10000. Fix: split the input.',
    ],
    [
      'a List of 20k Pods',
      () => JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: 20_000 }, (_, i) => pod(`p${i}`)) }),
      'in.yaml: a list has 20000 items, more than the limit of 10000. Fix: split the input.',
    ],
    [
      'JSON nested 10^5 deep',
      () => `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`,
      'in.yaml: nesting is deeper than 100 levels (the limit; a Pod needs about 12). Fix: flatten the document.',
    ],
    [
      'YAML flow nested 10^5 deep',
      () => `a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`,
      'in.yaml: nesting is deeper than 100 levels (the limit; a Pod needs about 12). Fix: flatten the document.',
    ],
    [
      'a YAML alias bomb',
      () =>
        ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghi'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)]
          .join('\n')
          .concat('\n'),
      'in.yaml:1:24: the document expands to more than 1000000 values once its aliases (*name) are followed (an alias bomb?). Fix: write the values out instead of nesting aliases.',
    ],
    ['a 70 MB file', () => Buffer.alloc(70 * 1024 * 1024, 0x20), 'in.yaml: 70 MiB is more than the 64 MiB input limit. Fix: split it into smaller files.'],
  ];
  it.each(cases)(
    '%s: exit 2, one line, peak memory under 1 GiB',
    (_what, make, message) => {
      writeFileSync(join(work, 'in.yaml'), make());
      const r = podsecChild(['eval', '--build', build, 'in.yaml'], { cwd: work, timeoutMs: 60_000 });
      expect(r.timedOut).toBe(false);
      expect([r.code, r.stderr, r.stdout]).toEqual([2, `podsec: ${message}\n`, '']);
      expect(r.maxRssMB).toBeLessThan(MEMORY_BOUND_MB);
    },
    90_000,
  );
});

describe('large outputs are streamed', () => {
  it('a List of 1,000 Pods gives every row as JSON within the memory bound', () => {
    writeFileSync(join(work, 'list.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array.from({ length: 1000 }, (_, i) => pod(`p${i}`)) }));
    // The PSS and seed policies (31); the gatekeeper-library PSP library (policies/psp) would double the work, not the coverage.
    const names = (JSON.parse(readFileSync(join(build, 'manifest.json'), 'utf8')) as { policies: { name: string }[] }).policies
      .map((p) => p.name)
      .filter((n) => !n.startsWith('psp-'));
    const only = names.flatMap((n) => ['--policy', n]);
    const r = podsecChild(['eval', '--build', build, ...only, '--engine', 'rego', '--format', 'json', 'list.json'], { cwd: work, timeoutMs: 240_000 });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1);
    const rows = JSON.parse(r.stdout) as EvalRow[];
    expect(names).toHaveLength(31);
    expect(rows.length).toBe(1000 * 31);
    expect(rows[0]!.resource).toBe('list.json#0.items[0] Pod/p0');
    expect(r.maxRssMB).toBeLessThan(MEMORY_BOUND_MB);
  }, 300_000);
});

describe('Rego and opa inputs', () => {
  it('5000 nested parentheses: a parse error with file:line, not a stack overflow', async () => {
    writeFileSync(join(work, 'deep.rego'), `package p\nx := ${'('.repeat(5000)}1${')'.repeat(5000)}\n`);
    const r = await podsec(['rego', 'build', '-e', 'p/x', '-o', 'x.wasm', 'deep.rego'], work);
    expect([r.code, r.stderr]).toEqual([
      1,
      'podsec rego build: deep.rego:2:262: terms nest deeper than 256 levels (parentheses, arrays or objects inside each other). Fix: split the expression into rules or variables\n',
    ]);
  });

  it('an OPA_BIN that hangs is stopped with a clear error', () => {
    const fake = join(work, 'hanging-opa');
    writeFileSync(fake, '#!/bin/sh\nexec sleep 600\n');
    chmodSync(fake, 0o755);
    writeFileSync(join(work, 'ok.rego'), 'package p\nx := 1\n');
    const r = podsecChild(['rego', 'build', '-e', 'p/x', '-o', 'x.wasm', 'ok.rego'], {
      cwd: work,
      env: { OPA_BIN: fake, PODSEC_OPA_TIMEOUT_MS: '2000' },
      timeoutMs: 60_000,
    });
    expect(r.timedOut).toBe(false);
    expect([r.code, r.stderr]).toEqual([
      1,
      `podsec rego build: opa (${fake}) failed: did not finish \`opa version\` within 2 s. Fix: point OPA_BIN at a working opa binary, or unset it to use podsec's compiler.\n`,
    ]);
  }, 90_000);
});
