import { describe, expect, it } from '@jest/globals';
import { computeRules, evaluateKyvernoPolicy, type JsonObject } from '../src/index.js';

// pkg/autogen/v1 on the rule shapes podsec writes: a Pod rule with context, preconditions, a foreach
// and a message that read request.object.spec, and an exclude block with subjects only.
const podRule: JsonObject = {
  name: 'privileged',
  match: { any: [{ resources: { kinds: ['Pod'], operations: ['CREATE', 'UPDATE'] } }] },
  exclude: { any: [{ subjects: [{ kind: 'User', name: 'admin' }] }] },
  context: [{ name: 'names', variable: { jmesPath: 'request.object.spec.containers[].name' } }],
  preconditions: { all: [{ key: '{{ request.object.spec.hostUsers != `false` }}', operator: 'Equals', value: true }] },
  validate: {
    failureAction: 'Enforce',
    message: 'privileged {{ join(`", "`, names) }} in request.object.metadata',
    foreach: [
      {
        list: 'request.object.spec.[ephemeralContainers, initContainers, containers][]',
        deny: { conditions: { any: [{ key: '{{ element.securityContext.privileged == `true` }}', operator: 'Equals', value: true }] } },
      },
    ],
  },
};

describe("Kyverno's autogen (pkg/autogen/v1)", () => {
  const rules = computeRules([podRule], {});
  const byName = Object.fromEntries(rules.map((r) => [String(r.name), r]));

  it('adds autogen-<rule> for the six controllers and autogen-cronjob-<rule> for CronJob', () => {
    expect(rules.map((r) => r.name)).toEqual(['privileged', 'autogen-privileged', 'autogen-cronjob-privileged']);
    const kinds = (r: JsonObject) => (((r.match as JsonObject).any as JsonObject[])[0]!.resources as JsonObject).kinds;
    expect(kinds(byName['autogen-privileged']!)).toEqual([
      'apps/v1/DaemonSet',
      'apps/v1/Deployment',
      'batch/v1/Job',
      'apps/v1/ReplicaSet',
      'v1/ReplicationController',
      'apps/v1/StatefulSet',
    ]);
    expect(kinds(byName['autogen-cronjob-privileged']!)).toEqual(['batch/v1/CronJob']);
  });

  it('rewrites request.object.spec and .metadata everywhere in the rule, the message included', () => {
    const text = JSON.stringify(byName['autogen-cronjob-privileged']);
    expect(text).toContain('request.object.spec.jobTemplate.spec.template.spec.[ephemeralContainers, initContainers, containers][]');
    expect(text).toContain('request.object.spec.jobTemplate.spec.template.spec.containers[].name');
    expect(text).toContain('in request.object.spec.jobTemplate.spec.template.metadata');
    expect(JSON.stringify(byName['autogen-privileged'])).toContain('request.object.spec.template.spec.hostUsers');
  });

  it('gives the CronJob kind to every exclude filter of the CronJob rule, subjects-only ones too', () => {
    const exclude = (byName['autogen-cronjob-privileged']!.exclude as JsonObject).any as JsonObject[];
    expect(exclude[0]).toEqual({ subjects: [{ kind: 'User', name: 'admin' }], resources: { kinds: ['batch/v1/CronJob'] } });
    // The controllers' rule keeps a filter that does not name Pod as it is.
    expect(((byName['autogen-privileged']!.exclude as JsonObject).any as JsonObject[])[0]).toEqual({ subjects: [{ kind: 'User', name: 'admin' }] });
  });

  it('decides a CronJob with the rewritten foreach and message', () => {
    const policy = { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { rules: [podRule] } };
    const template = { spec: { containers: [{ name: 'a', securityContext: { privileged: true } }] } };
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: { jobTemplate: { spec: { template } } } };
    const [result] = evaluateKyvernoPolicy(policy, { operation: 'CREATE', object: cron });
    expect(result).toMatchObject({ rule: 'autogen-cronjob-privileged', status: 'fail' });
    expect(result!.message).toBe('validation failure: privileged a in request.object.spec.jobTemplate.spec.template.metadata');
  });
});
