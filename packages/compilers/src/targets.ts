import { gatekeeperCompiler } from './gatekeeper/index.js';
import { kyvernoClusterPolicyCompiler } from './kyverno/index.js';
import { regoCompiler } from './rego/index.js';
import type { TargetCompiler } from './shared/target.js';
import { vapCompiler } from './vap/index.js';
import { vpolCompiler } from './vpol/index.js';

/**
 * The registered output targets, in manifest order. Each lives in its own folder and reads only
 * the IR; adding an engine means adding one entry here.
 */
export const TARGETS: readonly TargetCompiler[] = [regoCompiler, gatekeeperCompiler, kyvernoClusterPolicyCompiler, vpolCompiler, vapCompiler];
