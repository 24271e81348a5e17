import type { PssCheckOutcome, PssViolation } from '../types.js';

export const ALLOWED: PssCheckOutcome = { allowed: true };

export function forbidden(reason: string, detail: string, violations: readonly PssViolation[]): PssCheckOutcome {
  return { allowed: false, reason, detail, violations };
}
