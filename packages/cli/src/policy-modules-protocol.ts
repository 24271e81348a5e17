import type { PolicyIR } from '@podsec/ir';

/** What the policy-module child process tells its parent, in order: start, then loaded or error, per module; done at the end. */
export type ChildMessage =
  | { type: 'start'; rel: string }
  | { type: 'loaded'; rel: string; irs: PolicyIR[] }
  | { type: 'error'; rel: string; message: string }
  | { type: 'done' };
