import { describe, expect, it } from '@jest/globals';
import { evaluate } from '@marcbachmann/cel-js';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
describe('x', () => { it('y', () => { expect(evaluate('1 + 2 == 3')).toBe(true); expect(typeof loadPolicy).toBe('function'); }); });
