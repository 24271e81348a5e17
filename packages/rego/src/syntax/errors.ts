/** A source position, 1-based like OPA's own messages. */
export interface Pos {
  file: string;
  line: number;
  col: number;
}

/** Any error in Rego input: the message always starts with `file:line:col:`. */
export class RegoCompileError extends Error {
  constructor(
    readonly pos: Pos,
    readonly detail: string,
  ) {
    super(`${pos.file}:${pos.line}:${pos.col}: ${detail}`);
    this.name = 'RegoCompileError';
  }
}

export function unsupported(pos: Pos, construct: string, hint?: string): RegoCompileError {
  return new RegoCompileError(pos, `unsupported: ${construct}${hint ? ` (${hint})` : ''}`);
}
