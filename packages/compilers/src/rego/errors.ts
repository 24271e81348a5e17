import type { PolicyIR } from '@podsec/ir';

/**
 * An IR the Rego or Gatekeeper target cannot render faithfully. The message names the policy's
 * source file, the path inside the IR and what to change, so `podsec build` can print it as is.
 */
export class RegoTargetError extends Error {
  constructor(
    readonly source: string,
    readonly irPath: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${source}: ${irPath}: ${problem}. Fix: ${fix}`);
    this.name = 'RegoTargetError';
  }
}

export function compileError(ir: Pick<PolicyIR, 'source' | 'name'>, irPath: string, problem: string, fix: string): RegoTargetError {
  return new RegoTargetError(ir.source || `policy "${ir.name}"`, irPath, problem, fix);
}
