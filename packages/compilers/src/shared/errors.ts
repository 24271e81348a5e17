import type { PolicyIR } from '@podsec/ir';

export type CompileTarget = 'rego' | 'cel' | 'kyverno';

/**
 * The one error type a compiler throws for a policy it cannot render faithfully (as opposed to a
 * bug): `podsec build` catches this type and prints the message as is. Each target's subclass
 * (RegoTargetError, CelCompileError, KyvernoCompileError) only formats the message; all carry the
 * policy, its source and where in the IR the problem is.
 */
export class PolicyCompileError extends Error {
  readonly policy: string;
  readonly source: string;
  constructor(
    readonly target: CompileTarget,
    ir: Pick<PolicyIR, 'name' | 'source'>,
    /** Path inside the IR, e.g. `rules[0].require.scope`. */
    readonly where: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyCompileError';
    this.policy = ir.name;
    this.source = ir.source;
  }
}
