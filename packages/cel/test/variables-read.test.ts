/**
 * variablesRead (body.ts): the `variables.<name>` fields an expression reads, for engines that bind variables
 * lazily themselves (Kyverno's validate.cel rules); names bound by a comprehension or cel.bind are not reads.
 */
import { describe, expect, it } from '@jest/globals';
import { compileCel, variablesRead } from '../src/index.js';

function reads(expression: string, declared: string[] = ['a', 'b', 'c']) {
  const c = compileCel(
    expression,
    { flavor: 'vap', hasParams: false, visibleVariables: declared, declaredVariables: declared },
    { policy: 't', expressionPath: 'e' },
  );
  if (!c.ok) throw new Error(c.diagnostic.message);
  return variablesRead(c.program);
}

describe('variablesRead', () => {
  it('names each field read once, plain or optional', () => {
    expect(reads('variables.a + variables.a')).toEqual({ names: ['a'], whole: false });
    expect(reads('variables.?b.orValue(1) == variables.a')).toEqual({ names: ['b', 'a'], whole: false });
    expect(reads('object.spec == null')).toEqual({ names: [], whole: false });
  });
  it('sees reads inside comprehensions, not the names they bind', () => {
    expect(reads('variables.a.all(c, c.x == variables.b)')).toEqual({ names: ['a', 'b'], whole: false });
    expect(reads('[{"x": 1}].exists(variables, variables.x == 1)')).toEqual({ names: [], whole: false });
  });
  it('reports the map read as a whole', () => {
    expect(reads('size(variables) > 0')).toEqual({ names: [], whole: true });
    expect(reads("variables['c'] == variables.a")).toEqual({ names: ['a'], whole: true });
  });
});
