/**
 * Loading ClusterPolicy / Policy and PolicyException documents: shape checks with errors that name the file,
 * the path inside it and the fix, and explicit rejection of Kyverno features this engine does not evaluate.
 */
import { parseAnchor } from './anchor.js';
import { computeRules } from './autogen.js';
import { PolicyLoadError, UnsupportedFeatureError } from './errors.js';
import { isObject, type JsonObject } from './json.js';
import { CONDITION_OPERATORS } from './operators.js';
import type { LoadedException, LoadedPolicy } from './types.js';

const POLICY_API_VERSIONS = ['kyverno.io/v1', 'kyverno.io/v2beta1', 'kyverno.io/v2'];
const EXCEPTION_API_VERSIONS = ['kyverno.io/v2', 'kyverno.io/v2beta1', 'kyverno.io/v2alpha1'];

/** Rule kinds other than validate, each unsupported. */
const OTHER_RULE_TYPES: Record<string, string> = {
  mutate: 'mutate rules',
  generate: 'generate rules',
  verifyImages: 'verifyImages rules',
};
const VALIDATION_KINDS = ['pattern', 'anyPattern', 'deny', 'foreach', 'podSecurity', 'cel'] as const;
const UNSUPPORTED_CONTEXT: Record<string, string> = {
  apiCall: 'context apiCall entries (they call the Kubernetes API or a service)',
  configMap: 'context configMap entries (they read ConfigMaps from the cluster)',
  globalReference: 'context globalReference entries (they read Kyverno global context)',
  imageRegistry: 'context imageRegistry entries (they query an image registry)',
};

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function checkContext(entries: unknown, file: string, path: string): void {
  if (entries === undefined || entries === null) return;
  if (!Array.isArray(entries)) throw new PolicyLoadError(file, path, 'context must be a list', 'Write context as a list of {name, variable}');
  entries.forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(e) || typeof e['name'] !== 'string') throw new PolicyLoadError(file, p, 'a context entry needs a name', 'Add name: <variable name>');
    for (const [k, what] of Object.entries(UNSUPPORTED_CONTEXT)) if (e[k] !== undefined) throw new UnsupportedFeatureError(file, `${p}.${k}`, what);
    if (!isObject(e['variable'])) throw new PolicyLoadError(file, p, 'a context entry needs a variable', 'Add variable: {value|jmesPath|default}');
  });
}

/** Kyverno's `$(./../key)` pattern references (variables.RegexReferences), which podsec does not resolve. */
const REFERENCE_RE = /(^|[^\\])\$\([^\n][^ ]*\)/;

function checkPatternAnchors(pattern: unknown, file: string, path: string): void {
  if (typeof pattern === 'string' && REFERENCE_RE.test(pattern)) {
    throw new UnsupportedFeatureError(file, path, 'the $(...) reference to another pattern field');
  }
  if (Array.isArray(pattern)) pattern.forEach((p, i) => checkPatternAnchors(p, file, `${path}[${i}]`));
  else if (isObject(pattern)) {
    for (const [k, v] of Object.entries(pattern)) {
      if (REFERENCE_RE.test(k)) throw new UnsupportedFeatureError(file, `${path}.${k}`, 'the $(...) reference to another pattern field');
      if (parseAnchor(k)?.type === 'addIfNotPresent')
        throw new UnsupportedFeatureError(
          file,
          `${path}.${k}`,
          'the add-if-not-present anchor +() in a validate pattern (it only has a meaning in mutate rules)',
        );
      checkPatternAnchors(v, file, `${path}.${k}`);
    }
  }
}

function checkConditions(block: unknown, file: string, path: string): void {
  if (block === undefined || block === null) return;
  const check = (c: unknown, p: string): void => {
    if (!isObject(c)) throw new PolicyLoadError(file, p, 'a condition must be an object', 'Write {key, operator, value}');
    const op = c['operator'];
    if (typeof op !== 'string' || !CONDITION_OPERATORS.some((o) => o.toLowerCase() === op.toLowerCase())) {
      throw new PolicyLoadError(file, `${p}.operator`, `unknown operator ${JSON.stringify(op)}`, `Use one of ${CONDITION_OPERATORS.join(', ')}`);
    }
  };
  if (Array.isArray(block)) block.forEach((c, i) => check(c, `${path}[${i}]`));
  else if (isObject(block)) {
    for (const k of Object.keys(block)) {
      if (k !== 'any' && k !== 'all') throw new PolicyLoadError(file, `${path}.${k}`, `unexpected field ${k}`, 'Use any: [...] and/or all: [...]');
      const list = block[k];
      if (!Array.isArray(list)) throw new PolicyLoadError(file, `${path}.${k}`, `${k} must be a list`, 'Write a list of conditions');
      list.forEach((c, i) => check(c, `${path}.${k}[${i}]`));
    }
  } else throw new PolicyLoadError(file, path, 'conditions must be a list or an object with any/all', 'Write any: [...] / all: [...]');
}

function checkForeach(list: unknown, file: string, path: string): void {
  if (!Array.isArray(list))
    throw new PolicyLoadError(file, path, 'foreach must be a list', 'Write foreach: [{list: ..., deny|pattern|anyPattern|foreach: ...}]');
  list.forEach((fe, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(fe) || typeof fe['list'] !== 'string')
      throw new PolicyLoadError(file, `${p}.list`, 'foreach needs a list expression', 'Add list: <JMESPath expression>');
    checkContext(fe['context'], file, `${p}.context`);
    checkConditions(fe['preconditions'], file, `${p}.preconditions`);
    if (isObject(fe['deny'])) checkConditions(fe['deny']['conditions'], file, `${p}.deny.conditions`);
    checkPatternAnchors(fe['pattern'], file, `${p}.pattern`);
    checkPatternAnchors(fe['anyPattern'], file, `${p}.anyPattern`);
    if (fe['foreach'] !== undefined) checkForeach(fe['foreach'], file, `${p}.foreach`);
  });
}

function checkRule(rule: unknown, file: string, path: string): JsonObject {
  if (!isObject(rule)) throw new PolicyLoadError(file, path, 'a rule must be an object', 'Write each rule as a map with name, match and validate');
  if (typeof rule['name'] !== 'string' || rule['name'] === '') throw new PolicyLoadError(file, `${path}.name`, 'a rule needs a name', 'Add name: <rule name>');
  for (const [k, what] of Object.entries(OTHER_RULE_TYPES))
    if (rule[k] !== undefined && rule[k] !== null) throw new UnsupportedFeatureError(file, `${path}.${k}`, what);
  if (!isObject(rule['match']))
    throw new PolicyLoadError(file, `${path}.match`, 'a rule needs a match block', 'Add match: {any: [{resources: {kinds: [...]}}]}');
  const v = rule['validate'];
  if (!isObject(v))
    throw new PolicyLoadError(
      file,
      `${path}.validate`,
      'a rule needs a validate block',
      'Add validate with pattern, anyPattern, deny, foreach, podSecurity or cel',
    );
  if (v['manifests'] !== undefined) throw new UnsupportedFeatureError(file, `${path}.validate.manifests`, 'manifest signature verification');
  if (v['assert'] !== undefined) throw new UnsupportedFeatureError(file, `${path}.validate.assert`, 'validate.assert (kyverno-json assertion trees)');
  const kinds = VALIDATION_KINDS.filter((k) => v[k] !== undefined && v[k] !== null);
  if (kinds.length === 0)
    throw new PolicyLoadError(file, `${path}.validate`, 'no validation given', 'Add one of pattern, anyPattern, deny, foreach, podSecurity, cel');
  const fa = v['failureAction'];
  if (fa !== undefined && !(typeof fa === 'string' && /^(audit|enforce)$/i.test(fa))) {
    throw new PolicyLoadError(file, `${path}.validate.failureAction`, `invalid failureAction ${JSON.stringify(fa)}`, 'Use Audit or Enforce');
  }
  if (typeof v['message'] === 'string' && REFERENCE_RE.test(v['message'])) {
    throw new UnsupportedFeatureError(file, `${path}.validate.message`, 'a $(...) reference in a message (write \\$(...) for the literal text)');
  }
  checkContext(rule['context'], file, `${path}.context`);
  checkConditions(rule['preconditions'], file, `${path}.preconditions`);
  if (isObject(v['deny'])) checkConditions(v['deny']['conditions'], file, `${path}.validate.deny.conditions`);
  checkPatternAnchors(v['pattern'], file, `${path}.validate.pattern`);
  if (v['anyPattern'] !== undefined && !Array.isArray(v['anyPattern'])) {
    throw new PolicyLoadError(file, `${path}.validate.anyPattern`, 'anyPattern must be a list', 'Write anyPattern as a list of patterns');
  }
  checkPatternAnchors(v['anyPattern'], file, `${path}.validate.anyPattern`);
  if (v['foreach'] !== undefined) checkForeach(v['foreach'], file, `${path}.validate.foreach`);
  if (isObject(v['podSecurity'])) {
    const level = v['podSecurity']['level'];
    if (level !== 'baseline' && level !== 'restricted' && level !== 'privileged') {
      throw new PolicyLoadError(file, `${path}.validate.podSecurity.level`, `invalid level ${JSON.stringify(level)}`, 'Use baseline, restricted or privileged');
    }
  }
  return rule;
}

/** Validate the shape of a ClusterPolicy/Policy document and compute its rules (incl. autogen). */
export function loadKyvernoPolicy(doc: unknown, file: string): LoadedPolicy {
  if (!isObject(doc)) throw new PolicyLoadError(file, '(document)', 'expected a YAML/JSON object', 'Provide a ClusterPolicy or Policy document');
  const kind = doc['kind'];
  if (kind !== 'ClusterPolicy' && kind !== 'Policy') {
    throw new PolicyLoadError(file, 'kind', `expected ClusterPolicy or Policy, got ${JSON.stringify(kind)}`, 'Set kind: ClusterPolicy (or Policy)');
  }
  const apiVersion = str(doc['apiVersion']);
  if (!apiVersion || !POLICY_API_VERSIONS.includes(apiVersion)) {
    throw new PolicyLoadError(
      file,
      'apiVersion',
      `unsupported apiVersion ${JSON.stringify(doc['apiVersion'])}`,
      `Use one of ${POLICY_API_VERSIONS.join(', ')}`,
    );
  }
  const md = doc['metadata'];
  if (!isObject(md) || typeof md['name'] !== 'string' || md['name'] === '') {
    throw new PolicyLoadError(file, 'metadata.name', 'the policy has no name', 'Set metadata.name');
  }
  const spec = doc['spec'];
  if (!isObject(spec)) throw new PolicyLoadError(file, 'spec', 'the policy has no spec', 'Add spec.rules');
  const rulesRaw = spec['rules'];
  if (!Array.isArray(rulesRaw) || rulesRaw.length === 0) throw new PolicyLoadError(file, 'spec.rules', 'the policy has no rules', 'Add at least one rule');
  const vfa = spec['validationFailureAction'];
  if (vfa !== undefined && !(typeof vfa === 'string' && /^(audit|enforce)$/i.test(vfa))) {
    throw new PolicyLoadError(file, 'spec.validationFailureAction', `invalid value ${JSON.stringify(vfa)}`, 'Use Audit or Enforce');
  }
  const rules = rulesRaw.map((r, i) => checkRule(r, file, `spec.rules[${i}]`));
  const annotations = stringMap(md['annotations']);
  const policy: LoadedPolicy = {
    kind,
    name: md['name'],
    annotations,
    spec,
    rules,
    computedRules: computeRules(rules, annotations),
    file,
  };
  if (kind === 'Policy') policy.namespace = typeof md['namespace'] === 'string' && md['namespace'] !== '' ? md['namespace'] : 'default';
  return policy;
}

export function loadPolicyException(doc: unknown, file: string): LoadedException {
  if (!isObject(doc) || doc['kind'] !== 'PolicyException') {
    throw new PolicyLoadError(file, 'kind', 'expected a PolicyException', 'Set kind: PolicyException');
  }
  const apiVersion = str(doc['apiVersion']);
  if (!apiVersion || !EXCEPTION_API_VERSIONS.includes(apiVersion)) {
    throw new PolicyLoadError(
      file,
      'apiVersion',
      `unsupported apiVersion ${JSON.stringify(doc['apiVersion'])}`,
      `Use one of ${EXCEPTION_API_VERSIONS.join(', ')}`,
    );
  }
  const md = doc['metadata'];
  if (!isObject(md) || typeof md['name'] !== 'string') throw new PolicyLoadError(file, 'metadata.name', 'the exception has no name', 'Set metadata.name');
  const spec = doc['spec'];
  if (!isObject(spec) || !Array.isArray(spec['exceptions'])) {
    throw new PolicyLoadError(file, 'spec.exceptions', 'the exception names no policies', 'Add spec.exceptions: [{policyName, ruleNames}]');
  }
  if (!isObject(spec['match'])) throw new PolicyLoadError(file, 'spec.match', 'the exception has no match block', 'Add spec.match: {any: [...]}');
  checkConditions(spec['conditions'], file, 'spec.conditions');
  const out: LoadedException = { name: md['name'], spec, file };
  if (typeof md['namespace'] === 'string') out.namespace = md['namespace'];
  return out;
}
