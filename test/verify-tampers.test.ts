import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildPolicies } from '@podsec/compilers';
import type { PolicyIR } from '@podsec/ir';
import pss from '../policies/pss/index.js';
import { podsec, scratchDir } from './support/cli.js';

// Hand edits to a build that change what a cluster does while the violated/not-violated answer
// of the other artifacts stays the same: weaker actions, narrower matches, wider exemptions, and
// the Rego inside the ConstraintTemplate. Each must make `podsec verify --build` fail, and the
// report must name the engine, the edited file and the field (or the clause the edit defeats).

const base = pss.find((p) => p.ir.name === 'pss-privileged')!.ir;
/** pss-privileged with every context clause a policy can have, so that edits to them can be caught. */
const IR: PolicyIR = {
  ...base,
  name: 'tamper-privileged',
  pss: undefined,
  exemptions: { namespaces: ['podsec-exempt'], usernames: ['system:serviceaccount:ci:deployer'], runtimeClasses: ['kata'] },
  match: { ...base.match, namespaceSelector: { matchExpressions: [{ key: 'podsec.dev/skip', operator: 'DoesNotExist' }] } },
};
delete (IR as { pss?: unknown }).pss;

const P = IR.name;
const FILES = {
  kyverno: `kyverno/${P}.yaml`,
  vap: `vap/${P}.yaml`,
  vpol: `kyverno-vpol/${P}.yaml`,
  template: `gatekeeper/templates/${P}.yaml`,
  constraint: `gatekeeper/constraints/${P}.yaml`,
};

interface Tamper {
  what: string;
  engine: 'gatekeeper' | 'kyverno' | 'vpol' | 'vap';
  file: string;
  from: RegExp;
  to: string;
  /** What the report must name besides engine and file: the field, or the clause the edit defeats. */
  names: string;
}

const TAMPERS: Tamper[] = [
  {
    what: 'Kyverno failureAction Enforce → Audit',
    engine: 'kyverno',
    file: FILES.kyverno,
    from: /failureAction: Enforce/g,
    to: 'failureAction: Audit',
    names: 'validate.failureAction + spec.emitWarning = Audit, emitWarning false',
  },
  {
    what: 'VAP binding validationActions [Deny] → [Audit]',
    engine: 'vap',
    file: FILES.vap,
    from: /(policyName: \S+\n {2}validationActions:\n {4}- )Deny/,
    to: '$1Audit',
    names: 'spec.validationActions = ["Audit"]',
  },
  {
    what: 'ValidatingPolicy validationActions [Deny] → [Audit]',
    engine: 'vpol',
    file: FILES.vpol,
    from: /(validationActions:\n {4}- )Deny/,
    to: '$1Audit',
    names: 'spec.validationActions = ["Audit"]',
  },
  {
    what: 'Gatekeeper enforcementAction deny → dryrun',
    engine: 'gatekeeper',
    file: FILES.constraint,
    from: /enforcementAction: deny/,
    to: 'enforcementAction: dryrun',
    names: 'spec.enforcementAction = dryrun',
  },
  {
    what: 'the Rego inside the ConstraintTemplate loosened',
    engine: 'gatekeeper',
    file: FILES.template,
    from: /privileged_require_value\(v\) if v == null/,
    to: 'privileged_require_value(v) if v != 42',
    names: 'spec.targets[0].rego',
  },
  {
    what: "Deployment removed from the Constraint's match",
    engine: 'gatekeeper',
    file: FILES.constraint,
    from: /\n {10}- Deployment/,
    to: '',
    names: 'match.kinds',
  },
  {
    what: 'Gatekeeper match edit: scope Cluster',
    engine: 'gatekeeper',
    file: FILES.constraint,
    from: /\n {2}match:\n/,
    to: '\n  match:\n    scope: Cluster\n',
    names: 'scope not matched',
  },
  {
    what: 'Gatekeeper exemption edit: exempt user renamed in the template Rego',
    engine: 'gatekeeper',
    file: FILES.template,
    from: /in \{"system:serviceaccount:ci:deployer"\}/,
    to: 'in {"system:serviceaccount:ci:other"}',
    names: 'user exempt',
  },
  {
    // The ClusterPolicy holds the Pod rule; Kyverno's autogen makes the controller rules, for the controllers the annotation lists.
    what: "Kyverno autogen edit: Deployment left out of the policy's autogen-controllers",
    engine: 'kyverno',
    file: FILES.kyverno,
    from: /\n {2}annotations:\n/,
    to: '\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: DaemonSet,Job,StatefulSet,ReplicaSet,ReplicationController,CronJob\n',
    names: 'match/exclude',
  },
  {
    what: 'Kyverno autogen edit: autogen switched off (autogen-controllers: none)',
    engine: 'kyverno',
    file: FILES.kyverno,
    from: /\n {2}annotations:\n/,
    to: '\n  annotations:\n    pod-policies.kyverno.io/autogen-controllers: none\n',
    names: 'match/exclude',
  },
  {
    what: 'Kyverno match edit: the core-group apiVersion precondition of the Pod rule made always true',
    engine: 'kyverno',
    file: FILES.kyverno,
    from: /request\.object\.apiVersion == `"v1"` \}\}'/,
    to: "`true` }}'",
    names: 'skip (apiVersion not served)',
  },
  {
    what: "Gatekeeper: the template Rego's apiVersion guard loosened to the kind alone",
    engine: 'gatekeeper',
    file: FILES.template,
    from: /served_api_versions\[input\.review\.object\.kind\] == input\.review\.object\.apiVersion/,
    to: 'served_api_versions[input.review.object.kind]',
    names: 'skip (apiVersion not served)',
  },
  {
    what: 'ValidatingPolicy match edit: apiVersions of the apps rule widened to "*"',
    engine: 'vpol',
    file: FILES.vpol,
    from: /(- apps\n {8}apiVersions:\n {10}- )v1/,
    to: '$1"*"',
    names: 'skip (apiVersion not served)',
  },
  {
    what: 'Kyverno exemption edit: exempt namespace renamed in exclude',
    engine: 'kyverno',
    file: FILES.kyverno,
    from: /- podsec-exempt/g,
    to: '- podsec-exempt-x',
    names: 'namespace exempt',
  },
  {
    what: 'VAP match edit: deployments removed from matchConstraints',
    engine: 'vap',
    file: FILES.vap,
    from: /\n {10}- deployments/,
    to: '',
    names: 'spec.matchConstraints not matched',
  },
  {
    what: 'VAP exemption edit: exempt user renamed in matchConditions',
    engine: 'vap',
    file: FILES.vap,
    from: /\["system:serviceaccount:ci:deployer"\]/,
    to: '["system:serviceaccount:ci:other"]',
    names: 'user exempt',
  },
  {
    what: 'ValidatingPolicy match edit: deployments removed from matchConstraints',
    engine: 'vpol',
    file: FILES.vpol,
    from: /\n {10}- deployments/,
    to: '',
    names: 'spec.matchConstraints not matched',
  },
  {
    what: 'ValidatingPolicy exemption edit: exempt runtime class renamed in matchConditions',
    engine: 'vpol',
    file: FILES.vpol,
    from: /in \["kata"\]/,
    to: 'in ["gvisor"]',
    names: 'runtimeClass exempt',
  },
];

let root: string;
let pristine: string;

beforeAll(() => {
  root = scratchDir('tampers');
  pristine = join(root, 'build');
  for (const f of buildPolicies([IR]).files) {
    mkdirSync(dirname(join(pristine, f.path)), { recursive: true });
    writeFileSync(join(pristine, f.path), f.content);
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `podsec verify --build DIR` with generated fixtures only (context fixtures included), from a folder without PSA data. */
const verifyBuild = (dir: string) => podsec(['verify', '--build', dir, '--random', '0'], root);

/** Each disagreement block's verdict lines that disagree: `engine (files): outcome → action … — DISAGREES`. */
const disagreeing = (report: string) => report.split('\n').filter((l) => /— (DISAGREES|ERROR)/.test(l));

describe('podsec verify --build catches edits that change what the cluster does', () => {
  it('passes the untouched build, with context fixtures for every clause', async () => {
    const r = await verifyBuild(pristine);
    expect(r.stdout).toMatch(/^fixture group +rego +gatekeeper +kyverno +vpol +vap$/m);
    expect(r.stdout).toMatch(/^context +(ok \d+ +){4}ok \d+$/m);
    expect(r.stdout).toMatch(/OK: \d+ fixtures, \d+ engine evaluations \(\d+ per engine[^)]*\), 0 disagreement\(s\)\./);
    expect(r.code).toBe(0);
  }, 120_000);

  it.each(TAMPERS.map((t) => [t.what, t] as const))(
    '%s',
    async (_what, t) => {
      const dir = join(root, t.what.replace(/[^a-z0-9]+/gi, '-'));
      cpSync(pristine, dir, { recursive: true });
      const path = join(dir, t.file);
      const text = readFileSync(path, 'utf8');
      const edited = text.replace(t.from, t.to);
      expect(edited).not.toBe(text);
      writeFileSync(path, edited);
      const r = await verifyBuild(dir);
      expect(r.code).toBe(1);
      const lines = disagreeing(r.stdout);
      expect(lines.length).toBeGreaterThan(0);
      // Only the edited engine disagrees, and its verdict line names the edited file.
      for (const l of lines) expect(l).toMatch(new RegExp(`^ {2}${t.engine} \\([^)]*${t.file.replace(/[.]/g, '\\.')}`));
      expect(r.stdout).toContain(t.names);
    },
    120_000,
  );
});
