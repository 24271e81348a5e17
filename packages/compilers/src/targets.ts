import type { TargetCompiler } from './shared/target.js';

/**
 * The registered output targets, in manifest order. Each lives in its own folder and reads only
 * the IR; adding an engine means adding one entry here.
 */
export const TARGETS: readonly TargetCompiler[] = [];
