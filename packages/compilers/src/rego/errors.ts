import type { PolicyIR } from '@podsec/ir';
import { PolicyCompileError } from '../shared/errors.js';

/**
 * An IR the Rego or Gatekeeper target cannot render faithfully. The message names the policy's
 * source file, the path inside the IR and what to change, so `podsec build` can print it as is.
 */
export class RegoTargetError extends PolicyCompileError {
  constructor(
    ir: Pick<PolicyIR, 'source' | 'name'>,
    readonly irPath: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super('rego', ir, irPath, `${ir.source || `policy "${ir.name}"`}: ${irPath}: ${problem}. Fix: ${fix}`);
    this.name = 'RegoTargetError';
  }
}

export function compileError(ir: Pick<PolicyIR, 'source' | 'name'>, irPath: string, problem: string, fix: string): RegoTargetError {
  return new RegoTargetError(ir, irPath, problem, fix);
}
