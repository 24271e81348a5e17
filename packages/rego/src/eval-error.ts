/** An input, data document or evaluation the module could not take (the reason in the message). */
export class RegoEvalError extends Error {
  override name = 'RegoEvalError';
}

export function describeThrown(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}
