import type { Mode } from '@podsec/ir';

export type ValidationAction = 'Deny' | 'Audit' | 'Warn';

/**
 * What a violation does, per policy mode. One action each: the apiserver rejects Deny together with
 * Warn, and Audit alone mirrors PSA's `audit` level (recorded, not shown to the client).
 */
export const VALIDATION_ACTIONS: Readonly<Record<Mode, readonly ValidationAction[]>> = {
  enforce: ['Deny'],
  audit: ['Audit'],
  warn: ['Warn'],
};
