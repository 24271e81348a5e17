import { EvaluationError } from '@marcbachmann/cel-js';

/** Raises a CEL runtime error from an extension function (the library turns it into an error value). */
export function celRuntimeError(message: string): never {
  throw new EvaluationError(message);
}
