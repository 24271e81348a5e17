// The Gatekeeper engine: enforcement actions as the validation webhook applies them, and a
// template's Rego run behind the constraint's match with the constraint's parameters.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileTemplate, effectiveAction, parseConstraint, parseConstraintTemplate, reviewConstraint } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from '../../rego/test/helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const constraint = (spec: Record<string, unknown>) => parseConstraint({ kind: 'K8sDemo', metadata: { name: 'demo' }, spec }, 'c.yaml', 'K8sDemo');

describe('effectiveAction', () => {
  it.each([
    [{}, 'deny', 'spec.enforcementAction'],
    [{ enforcementAction: 'deny' }, 'deny', 'spec.enforcementAction'],
    [{ enforcementAction: 'warn' }, 'warn', 'spec.enforcementAction'],
    [{ enforcementAction: 'dryrun' }, 'audit', 'spec.enforcementAction'],
    [
      {
        enforcementAction: 'scoped',
        scopedEnforcementActions: [
          { action: 'warn', enforcementPoints: [{ name: '*' }] },
          { action: 'deny', enforcementPoints: [{ name: 'validation.gatekeeper.sh' }] },
        ],
      },
      'deny',
      'spec.scopedEnforcementActions[1].action',
    ],
    [
      { enforcementAction: 'scoped', scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'audit.gatekeeper.sh' }] }] },
      'audit',
      'spec.scopedEnforcementActions[0].action',
    ],
    [
      { enforcementAction: 'scoped', scopedEnforcementActions: [{ action: 'deny', enforcementPoints: [{ name: 'gator.gatekeeper.sh' }] }] },
      'allow',
      'spec.scopedEnforcementActions',
    ],
  ])('%j → %s (read at %s)', (spec, effect, path) => {
    expect(effectiveAction(constraint(spec))).toMatchObject({ effect, path });
  });

  it('refuses an action Gatekeeper does not know, naming the field', () => {
    expect(() => effectiveAction(constraint({ enforcementAction: 'block' }))).toThrow(
      'c.yaml: spec.enforcementAction: unrecognised enforcement action "block"',
    );
  });
});

describe('reviewConstraint', () => {
  const template = parseConstraintTemplate(
    {
      kind: 'ConstraintTemplate',
      spec: {
        crd: { spec: { names: { kind: 'K8sDemo' } } },
        targets: [
          {
            target: 'admission.k8s.gatekeeper.sh',
            rego: [
              'package k8sdemo',
              'import future.keywords.contains',
              'import future.keywords.if',
              'violation contains {"msg": msg} if {',
              '  input.review.object.metadata.labels.team != input.parameters.team',
              '  msg := sprintf("team must be %v (user %v)", [input.parameters.team, input.review.userInfo.username])',
              '}',
            ].join('\n'),
          },
        ],
      },
    },
    't.yaml',
  );
  const review = (ns: string, team: string) => ({
    kind: { group: '', version: 'v1', kind: 'Pod' },
    namespace: ns,
    operation: 'CREATE',
    userInfo: { username: 'alice' },
    object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: ns, labels: { team } } },
    namespaceObject: { metadata: { name: ns, labels: { env: ns === 'prod' ? 'prod' : 'dev' } } },
  });

  it("passes the constraint's parameters and the review to the template Rego", async () => {
    const program = await compileTemplate(template);
    const c = constraint({ parameters: { team: 'core' } });
    expect(reviewConstraint(program, c, review('prod', 'core'))).toEqual({ status: 'evaluated', violations: [] });
    expect(reviewConstraint(program, c, review('prod', 'web'))).toEqual({ status: 'evaluated', violations: [{ msg: 'team must be core (user alice)' }] });
  });

  it('does not run the Rego for a review the match rules out, and says which clause did', async () => {
    const program = await compileTemplate(template);
    const c = constraint({ parameters: { team: 'core' }, match: { namespaceSelector: { matchLabels: { env: 'prod' } } } });
    expect(reviewConstraint(program, c, review('dev', 'web'))).toEqual({ status: 'skip', miss: 'namespaceSelector' });
    expect(reviewConstraint(program, c, review('prod', 'web')).status).toBe('evaluated');
    const kinds = constraint({ match: { kinds: [{ apiGroups: ['apps'], kinds: ['Deployment'] }] } });
    expect(reviewConstraint(program, kinds, review('prod', 'web'))).toEqual({ status: 'skip', miss: 'kind' });
  });
});

describe('template libs, as Gatekeeper loads them', () => {
  const withLibs = (rego: string[], libs: string[][]) =>
    parseConstraintTemplate(
      {
        kind: 'ConstraintTemplate',
        spec: {
          crd: { spec: { names: { kind: 'K8sDemo' } } },
          targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: rego.join('\n'), libs: libs.map((l) => l.join('\n')) }],
        },
      },
      't.yaml',
    );
  const MAIN = [
    'package k8sdemo',
    'import future.keywords.contains',
    'import future.keywords.if',
    'import data.lib.naming',
    'violation contains {"msg": naming.shout(input.review.object.metadata.name)} if {',
    '  not naming.ok(input.review.object.metadata.name)',
    '}',
  ];
  const LIB = ['package lib.naming', 'import future.keywords.if', 'shout(s) := upper(s)', 'ok(s) if startswith(s, "ok-")'];

  it('imports a lib as data.lib.<name> and calls its functions', async () => {
    const program = await compileTemplate(withLibs(MAIN, [LIB]));
    const review = (name: string) => ({ kind: { group: '', version: 'v1', kind: 'Pod' }, object: { kind: 'Pod', metadata: { name } } });
    expect(reviewConstraint(program, constraint({}), review('ok-pod'))).toEqual({ status: 'evaluated', violations: [] });
    expect(reviewConstraint(program, constraint({}), review('bad'))).toEqual({ status: 'evaluated', violations: [{ msg: 'BAD' }] });
  });

  it('refuses a lib outside package lib, naming the lib and the fix', () => {
    expect(() => withLibs(MAIN, [['package naming', ...LIB.slice(1)]])).toThrow(
      't.yaml: spec.targets[0].libs[0]: package naming is not under lib; Gatekeeper only admits libs in packages lib.<name>. Fix: declare package lib.naming',
    );
  });

  it('refuses Rego that reads data outside data.lib and data.inventory', () => {
    expect(() => withLibs([...MAIN, 'other := data.k8sother.violation'], [LIB])).toThrow(
      't.yaml: spec.targets[0].rego: reads data.k8sother…; Gatekeeper only lets a template read data.lib.* (its libs) and data.inventory',
    );
    expect(() => withLibs([...MAIN, 'synced := data.inventory.namespace'], [LIB])).not.toThrow();
  });
});
