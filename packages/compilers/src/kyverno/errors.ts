import type { PolicyIR } from '@podsec/ir';
import { PolicyCompileError } from '../shared/errors.js';

/** A policy Kyverno cannot express as written: names the source file, the place in the policy and the fix. */
export class KyvernoCompileError extends PolicyCompileError {
  constructor(ir: Pick<PolicyIR, 'name' | 'source'>, where: string, problem: string, fix: string) {
    super('kyverno', ir, where, `${ir.source}: policy "${ir.name}", ${where}: ${problem}. Fix: ${fix}`);
    this.name = 'KyvernoCompileError';
  }
}

/** An IR construct with no exact Kyverno form; `fix` says what the author can write instead. */
export class KyvernoUnsupportedError extends Error {
  constructor(
    problem: string,
    readonly fix: string,
  ) {
    super(problem);
    this.name = 'KyvernoUnsupportedError';
  }
}

/**
 * A check JMESPath cannot say because a filter sees only its item (a relation between lists, a
 * per-container annotation), while Kyverno's `validate.cel` can: the rule is written in CEL.
 */
export class KyvernoNeedsCelError extends KyvernoUnsupportedError {
  constructor(problem: string) {
    super(problem, 'the rule is written as validate.cel (Kyverno >= 1.11)');
    this.name = 'KyvernoNeedsCelError';
  }
}
