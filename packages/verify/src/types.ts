/**
 * The contract between the equivalence layer (fixtures, verify, reports) and the engines. Each
 * engine adapter loads one build's artifacts for its target once, then decides objects fast.
 */
import type { BuildManifest } from '@podsec/compilers';
import type { AdmissionContext, PolicyIR } from '@podsec/ir';

export type EngineId = 'rego' | 'gatekeeper' | 'kyverno' | 'vpol' | 'vap';
export const ENGINE_IDS: readonly EngineId[] = ['rego', 'gatekeeper', 'kyverno', 'vpol', 'vap'];

/**
 * What admission does with a resource: reject it, admit it with a warning to the client, admit it
 * and record the violation (audit log, policy report, Gatekeeper audit), admit it, or not review
 * it at all because the policy does not apply.
 */
export type AdmissionAction = 'deny' | 'warn' | 'audit' | 'allow' | 'skip';
export const ADMISSION_ACTIONS: readonly AdmissionAction[] = ['deny', 'warn', 'audit', 'allow', 'skip'];

/** Where an engine read the action it applied: a file of the build, a path in it and the value. */
export interface ActionSource {
  file: string;
  path: string;
  found: string;
}

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
  /**
   * The action the artifact takes on this resource; absent when the artifact carries none (a plain
   * Rego module), and then only the outcome is compared.
   */
  action?: AdmissionAction;
  /** Where the action of a violation was read (for `deny`/`warn`/`audit`). */
  actionSource?: ActionSource;
  /** The build files the engine ran for this policy. */
  files?: string[];
  /** Why the policy does not apply (`skip`): the kind, operation, namespace, selector or exemption. */
  skipReason?: string;
  /** The part of the output that decided: a Rego rule, a Kyverno rule + pattern path, a CEL expression. */
  evidence?: string[];
  error?: string;
}

export interface EngineAdapter {
  id: EngineId;
  /** A one-line description for reports, e.g. which compiler built the Rego module. */
  describe?(): string;
  /** Whether verify compares this engine's violation messages with the reference's (issue 16). */
  comparesMessages?: boolean;
  /** Decides `object` for every policy of the build (or the named ones). */
  evaluate(object: unknown, ctx: AdmissionContext, policies?: readonly string[]): EngineDecision[];
  close?(): void;
}

export type AdapterFactory = (build: LoadedBuild) => Promise<EngineAdapter>;
