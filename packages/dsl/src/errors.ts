/** A policy definition that cannot be compiled faithfully; names the policy, the place and the fix. */
export class PolicyDefinitionError extends Error {
  constructor(
    readonly policy: string,
    readonly where: string,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`policy "${policy}"${where ? `, ${where}` : ''}: ${problem}. Fix: ${fix}`);
    this.name = 'PolicyDefinitionError';
  }
}
