/** A ValidatingPolicy feature podsec's engine refuses rather than guess at; shared by the evaluator and the exception loader. */
export class CelUnsupportedFeatureError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    readonly feature: string,
  ) {
    super(`${source}: ${path}: unsupported: ${feature}`);
    this.name = 'CelUnsupportedFeatureError';
  }
}
