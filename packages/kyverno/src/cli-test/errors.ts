/** A malformed test declaration or input file: names the file, the path inside it and the fix. */
export class KyvernoTestError extends Error {
  constructor(file: string, path: string, problem: string, fix: string) {
    super(`${file}: ${path}: ${problem}. ${fix}`);
    this.name = 'KyvernoTestError';
  }
}
