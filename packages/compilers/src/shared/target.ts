import type { PolicyIR } from '@podsec/ir';
import type { GeneratedNames } from './names.js';
import type { GeneratedFile, TargetId } from './output.js';

/** What one target contributes for one policy: its files and its entry in manifest.json. */
export interface TargetOutput {
  files: GeneratedFile[];
  manifest: Record<string, unknown>;
}

/** Per-build choices a target may read (`podsec build` flags). */
export interface CompileOptions {
  /** Kyverno ClusterPolicy: Pod controllers by Kyverno's autogen (default) or explicit rules. */
  kyvernoControllers?: 'autogen' | 'explicit';
}

export interface TargetCompiler {
  id: TargetId;
  /** Output sub-directory of the build directory. */
  dir: string;
  compile(ir: PolicyIR, names: GeneratedNames, options?: CompileOptions): TargetOutput;
}
