/** One mistake in a policy: where it is (rule, field), what is wrong, and how to fix it. */
export interface PolicyIssue {
  /** Where in the policy, e.g. `rule "host-path"` or `name`; empty for the policy as a whole. */
  where: string;
  problem: string;
  fix: string;
}

const line = (i: PolicyIssue) => `${i.where ? `${i.where}: ` : ''}${i.problem}. Fix: ${i.fix}`;

/**
 * A policy that cannot be compiled faithfully. Carries every mistake found in it, not only the
 * first, so an author fixes them in one round; `where`/`problem`/`fix` are the first one's.
 */
export class PolicyDefinitionError extends Error {
  readonly where: string;
  readonly problem: string;
  readonly fix: string;
  constructor(
    readonly policy: string,
    readonly issues: readonly PolicyIssue[],
  ) {
    const [first] = issues;
    if (!first) throw new Error('internal: PolicyDefinitionError without issues');
    super(
      issues.length === 1
        ? `policy "${policy}"${first.where ? `, ${first.where}` : ''}: ${first.problem}. Fix: ${first.fix}`
        : `policy "${policy}": ${issues.length} problems:\n${issues.map((i) => `  - ${line(i)}`).join('\n')}`,
    );
    this.name = 'PolicyDefinitionError';
    this.where = first.where;
    this.problem = first.problem;
    this.fix = first.fix;
  }
}
