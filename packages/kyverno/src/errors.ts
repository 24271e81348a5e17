/** Load-time errors: always name the file, the path inside it and the fix. */
export class PolicyLoadError extends Error {
  constructor(
    readonly file: string,
    readonly path: string,
    problem: string,
    fix: string,
  ) {
    super(`${file}: ${path}: ${problem}. ${fix}`);
    this.name = 'PolicyLoadError';
  }
}

/** A Kyverno feature podsec does not evaluate; reported, never silently passed. */
export class UnsupportedFeatureError extends PolicyLoadError {
  constructor(file: string, path: string, feature: string) {
    super(file, path, `unsupported: ${feature} is not evaluated by podsec's Kyverno engine`, 'Remove it or evaluate this policy with Kyverno itself');
    this.name = 'UnsupportedFeatureError';
  }
}
