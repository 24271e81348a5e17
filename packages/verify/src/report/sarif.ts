/**
 * SARIF 2.1.0 (OASIS) logs for code-scanning dashboards: `podsec verify --format sarif` gives one
 * result per disagreement, `podsec eval --format sarif` one per violation or engine error. Each
 * result points at the policy's source module, so the dashboard annotates the policy that needs
 * attention.
 */
import type { EvalRow } from '../eval.js';
import type { VerifyResult } from '../verify.js';
import { disagreementDetails, disagreementTitle } from './describe.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFORMATION_URI = 'https://www.npmjs.com/package/podsec';

/** Where a policy is defined, relative to the directory the SARIF consumer treats as the root. */
export interface PolicySource {
  uri: string;
  /** 1-based line of the policy's definition, when known. */
  line?: number;
}

export interface SarifOptions {
  toolVersion: string;
  sourceOf: (policy: string) => PolicySource | undefined;
}

type Level = 'error' | 'warning' | 'note';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
  properties?: Record<string, unknown>;
}

class RuleTable {
  readonly rules: SarifRule[] = [];
  private readonly index = new Map<string, number>();
  indexOf(id: string, description: string): number {
    let i = this.index.get(id);
    if (i === undefined) {
      i = this.rules.push({ id, name: id, shortDescription: { text: description } }) - 1;
      this.index.set(id, i);
    }
    return i;
  }
}

function locations(source: PolicySource | undefined): SarifResult['locations'] {
  if (!source) return [];
  return [{ physicalLocation: { artifactLocation: { uri: source.uri }, ...(source.line ? { region: { startLine: source.line } } : {}) } }];
}

function log(options: SarifOptions, rules: RuleTable, results: SarifResult[], successful: boolean): string {
  const doc = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'podsec', version: options.toolVersion, informationUri: INFORMATION_URI, rules: rules.rules } },
        invocations: [{ executionSuccessful: successful }],
        results,
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** One `error` result per disagreement; the rule is the policy whose outputs disagree. */
export function renderVerifySarif(result: VerifyResult, options: SarifOptions): string {
  const rules = new RuleTable();
  const results = result.disagreements.map(
    (d): SarifResult => ({
      ruleId: d.policy,
      ruleIndex: rules.indexOf(d.policy, `The compiled outputs of ${d.policy} must decide like its IR semantics`),
      level: 'error',
      message: { text: `${disagreementTitle(d)}\n${disagreementDetails(d)}` },
      locations: locations(options.sourceOf(d.policy)),
      properties: {
        engines: d.engines,
        kinds: d.kinds,
        fixtureGroup: d.fixture.group,
        fixture: d.fixture.name,
        ...(d.messages ? { messages: d.messages } : {}),
      },
    }),
  );
  return log(
    options,
    rules,
    results,
    result.engines.some((e) => e.status === 'run'),
  );
}

/**
 * One result per violated rule of each resource × policy × engine verdict (`error` when the
 * verdict denies, `warning` for audit/warn policies) and one per engine error.
 */
export function renderEvalSarif(rows: readonly EvalRow[], options: SarifOptions): string {
  const rules = new RuleTable();
  const results: SarifResult[] = [];
  for (const r of rows) {
    const where = locations(options.sourceOf(r.policy));
    if (r.error)
      results.push({
        ruleId: `${r.policy}/engine-error`,
        ruleIndex: rules.indexOf(`${r.policy}/engine-error`, `The ${r.policy} policy could not be evaluated`),
        level: 'error',
        message: { text: `${r.resource}: ${r.engine} failed: ${r.error}` },
        locations: where,
        properties: { resource: r.resource, engine: r.engine },
      });
    for (const v of r.violations) {
      const id = `${r.policy}/${v.rule}`;
      results.push({
        ruleId: id,
        ruleIndex: rules.indexOf(id, v.message),
        level: r.verdict === 'deny' ? 'error' : 'warning',
        message: { text: `${r.resource}: ${v.message} (${r.engine}: ${r.verdict})` },
        locations: where,
        properties: { resource: r.resource, engine: r.engine, verdict: r.verdict },
      });
    }
  }
  return log(options, rules, results, true);
}
