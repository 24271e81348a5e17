/**
 * User text through the whole pipeline: a rule message, title, description or allowed value with
 * quotes, backslashes, `{{`, pattern metacharacters, unicode or line breaks survives CEL escaping and
 * YAML serialisation, and every engine reads exactly what the author wrote (messages folded to one
 * line, which the apiserver requires of `message`).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { renderRuleMessage, type PolicyIR } from '@podsec/ir';
import { foldLines, staticMessage } from '../../src/cel/message.js';
import { celFixtures } from './fixtures.js';
import { CEL_TARGETS, emit } from './emitted.js';
import { CelHarness } from './harness.js';

const tricky = fc.constantFrom(
  '"',
  "'",
  '\\',
  '\n',
  '\r\n',
  '\t',
  '{{ x }}',
  '*',
  '?',
  '|',
  '!',
  '<',
  '>',
  '&',
  '1-10',
  '\\n',
  '\\u0041',
  '😀',
  'é',
  '#',
  ': ',
  '- ',
  '---',
  '%s',
  '${x}',
  '\u2028',
  '\u0085',
);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc.array(tricky, { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
);
const base = celFixtures().find((f) => f.ir.name === 'cel-host-isolation')!.ir;

describe.each(CEL_TARGETS)('$name: user text round-trips', ({ name, target, policyDoc }) => {
  // The ValidatingPolicy carries title and description under Kyverno's catalogue keys only, VAP under podsec's.
  const prefix = name === 'vpol' ? 'policies.kyverno.io/' : 'podsec.dev/';
  it('messages, titles, descriptions and allowed values (300 policies)', () => {
    fc.assert(
      fc.property(text, text, text, text, (message, title, description, allowed) => {
        const ir: PolicyIR = structuredClone(base);
        ir.title = title;
        ir.description = description;
        const portRule = ir.rules.findIndex((r) => r.id === 'host-ports');
        ir.rules[portRule]!.message = message;
        ir.rules[portRule]!.detail = title;
        ir.rules[0]!.require = { kind: 'field', field: 'runtimeClassName', scope: 'pod', pred: { op: 'in', values: [allowed] }, absent: 'fail' };
        const { docs } = emit(target, ir);
        const doc = policyDoc(docs);
        const annotations = (doc.metadata as { annotations: Record<string, string> }).annotations;
        expect(annotations[`${prefix}title`]).toBe(title);
        expect(annotations[`${prefix}description`]).toBe(description);
        const validations = doc.spec.validations as { message: string }[];
        expect(validations[portRule]!.message).toBe(staticMessage(ir, ir.rules[portRule]!));
        expect(validations[portRule]!.message).not.toMatch(/[\n\r\u2028\u2029\u0085]/);

        const harness = new CelHarness(doc.spec as never);
        const pod = (runtimeClassName: string, hostPort: number) => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'prod', labels: { app: 'demo' } },
          spec: { runtimeClassName, containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80, hostPort }] }] },
        });
        const req = (object: Record<string, unknown>) => ({ operation: 'CREATE' as const, object, namespace: 'prod', namespaceLabels: {} });
        // The allowed value is read back exactly: that very string passes, a one-character change fails.
        expect(harness.admit(req(pod(allowed, 0)))).toEqual({ applies: true, violated: [], messages: [] });
        expect(harness.admit(req(pod(`${allowed}x`, 0)))).toMatchObject({ applies: true, violated: [0] });
        const denied = harness.admit(req(pod(allowed, 8080)));
        // The detail is user text too: the message names the container as the reference renders it, message
        // and detail each folded onto one line (the apiserver refuses line breaks in messages).
        const rule = ir.rules[portRule]!;
        const expected = renderRuleMessage({ message: staticMessage(ir, rule), detail: foldLines(title) }, ['web']);
        expect(denied).toEqual({ applies: true, violated: [portRule], messages: [expected] });
      }),
      { numRuns: 300, seed: 99 },
    );
  });
});
