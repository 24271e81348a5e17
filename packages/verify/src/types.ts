/**
 * The contract between the equivalence layer (fixtures, verify, reports) and the engines. Each
 * engine adapter loads one build's artifacts for its target once, then decides objects fast.
 */
import type { BuildManifest } from '@podsec/compilers';
import type { AdmissionContext, PolicyIR } from '@podsec/ir';

export type EngineId = 'rego' | 'kyverno' | 'vpol' | 'vap';
export const ENGINE_IDS: readonly EngineId[] = ['rego', 'kyverno', 'vpol', 'vap'];

/** A build, from memory (fresh compile) or from a build directory (possibly hand-edited). */
export interface LoadedBuild {
  /** Directory the files came from, when read from disk. */
  dir?: string;
  manifest: BuildManifest;
  /** IR per policy name: the intended semantics that fixtures are derived from. */
  irs: Map<string, PolicyIR>;
  /** File contents by build-relative path (e.g. `vap/x.yaml`). */
  files: Map<string, string>;
  /** Files (build-relative) whose content differs from the hash manifest.json records: edited by hand. */
  modified?: string[];
}

export interface EngineViolation {
  /** IR rule id, when the engine's output could be traced back to one. */
  rule: string;
  message: string;
}

/** One engine's decision for one policy on one object. */
export interface EngineDecision {
  engine: EngineId;
  policy: string;
  /**
   * `violated`: the policy's rules reject the object (whatever the enforcement mode);
   * `satisfied`: they accept it, or the policy does not apply; `error`: the engine failed.
   */
  outcome: 'violated' | 'satisfied' | 'error';
  violations: EngineViolation[];
  /**
   * True when the engine reports only some of the violated rules (Kyverno's ValidatingPolicy
   * stops at the first failing validation): verify then checks they are a subset.
   */
  partial?: boolean;
  /** The part of the output that decided: a Rego rule, a Kyverno rule + pattern path, a CEL expression. */
  evidence?: string[];
  error?: string;
}

export interface EngineAdapter {
  id: EngineId;
  /** A one-line description for reports, e.g. which compiler built the Rego module. */
  describe?(): string;
  /** Decides `object` for every policy of the build (or the named ones). */
  evaluate(object: unknown, ctx: AdmissionContext, policies?: readonly string[]): EngineDecision[];
  close?(): void;
}

export type AdapterFactory = (build: LoadedBuild) => Promise<EngineAdapter>;
