/**
 * The AssemblyScript VM (assembly/) cannot import the compiler's TypeScript, so it declares the
 * plan opcodes and the native built-in names again. A mismatch would only show as a runtime abort
 * in a policy that uses the drifted entry; this test reads both sides and fails on any drift.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTINS } from '../src/compile/builtins.js';
import { RULE_KIND, S, T } from '../src/plan/opcodes.js';

const assembly = join(dirname(fileURLToPath(import.meta.url)), '..', 'assembly');
const read = (file: string) => readFileSync(join(assembly, file), 'utf8');

/** `PREFIX_NAME = n` constants declared in an AssemblyScript source, by NAME. */
function constants(source: string, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of source.matchAll(new RegExp(`\\b${prefix}_([A-Z]+)\\s*=\\s*(\\d+)`, 'g'))) out[m[1]!] = Number(m[2]);
  return out;
}

describe('the Wasm VM tables match the compiler', () => {
  const evalSource = read('eval.ts');

  it('statement and term opcodes', () => {
    expect(constants(evalSource, 'S')).toEqual(S);
    expect(constants(evalSource, 'T')).toEqual(T);
  });

  it('rule kinds', () => {
    const kinds = constants(evalSource, 'R');
    const byName = { COMPLETE: 'complete', SET: 'set', OBJECT: 'object', FUNC: 'function' } as const;
    expect(Object.fromEntries(Object.entries(kinds).map(([k, v]) => [byName[k as keyof typeof byName] ?? k, v]))).toEqual(RULE_KIND);
  });

  it('native built-ins: every name the compiler sends to the VM is one the VM resolves, and no other', () => {
    const names = /const NAMES: Array<string> = \[([^\]]*)\]/.exec(read('builtins.ts'))?.[1];
    if (!names) throw new Error('assembly/builtins.ts: the NAMES table was not found; update this test with the VM');
    const vm = [...names.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(vm).size).toBe(vm.length);
    const native = Object.entries(BUILTINS)
      .filter(([, spec]) => spec.where === 'native')
      .map(([name]) => name);
    expect([...vm].sort()).toEqual([...native].sort());
  });
});
