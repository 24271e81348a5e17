/**
 * compilePolicy + assembleBuild, the build of policies compiled one at a time as they arrive
 * (`podsec build` compiles each while later modules still load): the same files and manifest as
 * buildPolicies whatever the order, and the same error, on the same policy, when one fails.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import type { PolicyIR } from '@podsec/ir';
import { assembleBuild, buildPolicies, compilePolicy, PolicyCompileError, TARGETS, type TargetCompiler } from '../src/index.js';

const dir = new URL('./fixtures/ir/', import.meta.url);
const IRS = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as PolicyIR);

/** A target that fails for the named policies, to see which failure a build reports. */
const failingFor = (names: readonly string[]): TargetCompiler => ({
  id: 'vap',
  dir: 'vap',
  compile: (ir) => {
    if (names.includes(ir.name)) throw new Error(`cannot compile ${ir.name}`);
    return { files: [{ path: `vap/${ir.name}.yaml`, content: ir.name }], manifest: {} };
  },
});

describe('assembleBuild', () => {
  it('gives buildPolicies’ files and manifest, byte for byte, whatever order the policies were compiled in', () => {
    expect(IRS.length).toBeGreaterThan(3);
    const reference = buildPolicies(IRS);
    const reversed = assembleBuild([...IRS].reverse().map((ir) => compilePolicy(ir)));
    expect(reversed.files).toEqual(reference.files);
    expect(reversed.manifest).toEqual(reference.manifest);
    expect(assembleBuild([...IRS].reverse().map((ir) => compilePolicy(ir, { kyvernoControllers: 'explicit' })))).toEqual(
      buildPolicies(IRS, { kyvernoControllers: 'explicit' }),
    );
  });

  it('keeps a failure in the compiled policy and throws the first by policy name', () => {
    const targets = [failingFor(['b', 'c'])];
    const [a, b, c] = ['a', 'b', 'c'].map((name) => ({ ...IRS[0]!, name }));
    const compiled = [c!, a!, b!].map((ir) => compilePolicy(ir, { targets }));
    expect(compiled.map((p) => p.error !== undefined)).toEqual([true, false, true]);
    expect(() => assembleBuild(compiled)).toThrow('cannot compile b');
    expect(() => buildPolicies([c!, a!, b!], { targets })).toThrow('cannot compile b');
  });

  it('reports a template two earlier policies define differently before a later policy’s failure', () => {
    const gatekeeper = TARGETS.find((t) => t.id === 'gatekeeper')!;
    const kind = (name: string, title: string): PolicyIR => ({ ...IRS[0]!, name, title, constraintKind: 'K8sExample' });
    const irs = [kind('z', 'Other'), kind('a', 'One'), kind('b', 'Two')];
    const targets = [gatekeeper, failingFor(['z'])];
    expect(() => assembleBuild(irs.map((ir) => compilePolicy(ir, { targets })))).toThrow(PolicyCompileError);
    expect(() => assembleBuild(irs.map((ir) => compilePolicy(ir, { targets })))).toThrow(/policy "b" .* and policy "a" .* both define the ConstraintTemplate/);
  });
});
