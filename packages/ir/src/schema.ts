import { Ajv, type ErrorObject } from 'ajv';
import { IR_VERSION, type PolicyIR } from './types.js';
import { policyIssues } from './validate.js';

const scalar = { type: ['string', 'number', 'boolean'] };
const scalars = { type: 'array', items: scalar };
const strings = { type: 'array', items: { type: 'string' } };
const containerKinds = { type: 'array', items: { enum: ['containers', 'initContainers', 'ephemeralContainers'] }, minItems: 1 };
const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
const normalize = { enum: ['exact', 'capability'] };
const ref = { $ref: '#/definitions/ref' };
const varName = { type: 'string', pattern: '^[a-z][a-zA-Z0-9]*$' };
const absent = { enum: ['pass', 'fail'] };

/** JSON Schema (draft-07) of the IR; `<build>/ir/*.json` files validate against it. */
export const POLICY_IR_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://podsec.dev/schemas/policy-ir-v1.json',
  title: 'podsec policy IR',
  type: 'object',
  additionalProperties: false,
  required: ['irVersion', 'name', 'title', 'description', 'severity', 'mode', 'source', 'match', 'exemptions', 'rules'],
  properties: {
    $comment: { type: 'string' },
    irVersion: { const: IR_VERSION },
    name: { ...dnsLabel, maxLength: 50 },
    title: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    severity: { enum: ['low', 'medium', 'high', 'critical'] },
    mode: { enum: ['enforce', 'audit', 'warn'] },
    source: { type: 'string' },
    pss: {
      type: 'object',
      additionalProperties: false,
      required: ['check', 'control', 'levels', 'version'],
      properties: {
        check: { type: 'string' },
        control: { type: 'string' },
        levels: { type: 'array', items: { enum: ['baseline', 'restricted'] }, minItems: 1 },
        version: { type: 'string', pattern: '^v1\\.[0-9]+$' },
      },
    },
    match: {
      type: 'object',
      additionalProperties: false,
      required: ['kinds', 'operations', 'namespaces'],
      properties: {
        kinds: {
          type: 'array',
          minItems: 1,
          uniqueItems: true,
          items: { enum: ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob'] },
        },
        operations: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['CREATE', 'UPDATE'] } },
        namespaces: {
          type: 'object',
          additionalProperties: false,
          required: ['include', 'exclude'],
          properties: { include: strings, exclude: strings },
        },
        namespaceSelector: { $ref: '#/definitions/labelSelector' },
        objectSelector: { $ref: '#/definitions/labelSelector' },
      },
    },
    exemptions: {
      type: 'object',
      additionalProperties: false,
      required: ['usernames', 'runtimeClasses', 'namespaces'],
      properties: { usernames: strings, runtimeClasses: strings, namespaces: strings },
    },
    parameters: { type: 'object', additionalProperties: { $ref: '#/definitions/paramSchema' } },
    values: { type: 'object' },
    constraintKind: { type: 'string', pattern: '^[A-Z][A-Za-z0-9]*$', maxLength: 63 },
    exemptImages: { oneOf: [strings, { $ref: '#/definitions/paramRef' }] },
    rules: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'message', 'require'],
        properties: {
          id: dnsLabel,
          message: { type: 'string', minLength: 1 },
          detail: { type: 'string', minLength: 1 },
          containerMessage: { type: 'array', minItems: 1, items: { $ref: '#/definitions/messagePart' } },
          when: { $ref: '#/definitions/check' },
          require: { $ref: '#/definitions/check' },
        },
      },
    },
  },
  definitions: {
    messagePart: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'text'],
          properties: { kind: { const: 'text' }, text: { type: 'string', minLength: 1 } },
        },
        { type: 'object', additionalProperties: false, required: ['kind'], properties: { kind: { const: 'containerName' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'field', 'scope'],
          properties: { kind: { const: 'field' }, field: { type: 'string' }, scope: { enum: ['pod', 'container'] } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'key'],
          properties: { kind: { const: 'annotation' }, key: { type: 'string', minLength: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'keyPrefix'],
          properties: { kind: { const: 'containerAnnotation' }, keyPrefix: { type: 'string', minLength: 1 } },
        },
      ],
    },
    paramRef: {
      type: 'object',
      additionalProperties: false,
      required: ['param'],
      properties: { param: { ...strings, minItems: 1 }, prefix: { type: 'string', minLength: 1 } },
    },
    ref: {
      oneOf: [
        { $ref: '#/definitions/paramRef' },
        { type: 'object', additionalProperties: false, required: ['var', 'path'], properties: { var: varName, path: strings } },
      ],
    },
    paramSchema: {
      type: 'object',
      required: ['type'],
      properties: {
        type: { enum: ['boolean', 'integer', 'string', 'array', 'object'] },
        description: { type: 'string' },
        enum: strings,
        items: { $ref: '#/definitions/paramSchema' },
        properties: { type: 'object', additionalProperties: { $ref: '#/definitions/paramSchema' } },
        default: {},
      },
      additionalProperties: false,
    },
    labelSelector: {
      type: 'object',
      additionalProperties: false,
      properties: {
        matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
        matchExpressions: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'operator'],
            properties: {
              key: { type: 'string' },
              operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
              values: strings,
            },
          },
        },
      },
    },
    predicate: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['op', 'value'], properties: { op: { const: 'equals' }, value: scalar } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'values'],
          properties: { op: { enum: ['in', 'notIn', 'containsAll'] }, values: { ...scalars, minItems: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'values'],
          properties: { op: { enum: ['subsetOf', 'containsNone'] }, values: scalars, normalize },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op'],
          properties: { op: { const: 'range' }, min: { type: 'number' }, max: { type: 'number' } },
          anyOf: [{ required: ['min'] }, { required: ['max'] }],
        },
        { type: 'object', additionalProperties: false, required: ['op'], properties: { op: { enum: ['present', 'absent'] } } },
        { type: 'object', additionalProperties: false, required: ['op', 'value'], properties: { op: { enum: ['prefix', 'glob'] }, value: { type: 'string' } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'values'],
          properties: { op: { const: 'hasAnyKey' }, values: { ...strings, minItems: 1 } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'of'],
          properties: { op: { enum: ['and', 'or'] }, of: { type: 'array', minItems: 1, items: { $ref: '#/definitions/predicate' } } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'pred'],
          properties: { op: { const: 'not' }, pred: { $ref: '#/definitions/predicate' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'value'],
          properties: { op: { enum: ['wildcard', 'pathPrefix'] }, value: { type: 'string' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'values', 'ignore'],
          properties: { op: { const: 'keysIn' }, values: strings, ignore: strings },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'path', 'pred', 'absent'],
          properties: { op: { const: 'at' }, path: { ...strings, minItems: 1 }, pred: { $ref: '#/definitions/predicate' }, absent },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'cmp', 'to'],
          properties: {
            op: { const: 'ref' },
            cmp: { enum: ['equals', 'in', 'notIn', 'min', 'max', 'prefix', 'wildcard', 'pathPrefix', 'subsetOf', 'containsAll', 'containsNone', 'keysIn'] },
            to: ref,
            ignore: strings,
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['op', 'in', 'as', 'pred'],
          properties: { op: { const: 'some' }, in: ref, as: varName, pred: { $ref: '#/definitions/predicate' } },
        },
      ],
    },
    check: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'checks'],
          properties: { kind: { enum: ['all', 'any'] }, checks: { type: 'array', minItems: 1, items: { $ref: '#/definitions/check' } } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'check'],
          properties: { kind: { const: 'not' }, check: { $ref: '#/definitions/check' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'field', 'scope', 'pred', 'absent'],
          properties: {
            kind: { const: 'field' },
            field: { type: 'string' },
            scope: { enum: ['pod', 'container', 'effective'] },
            containers: containerKinds,
            pred: { $ref: '#/definitions/predicate' },
            absent: { enum: ['pass', 'fail'] },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'field', 'scope', 'path', 'pred', 'absent'],
          properties: {
            kind: { const: 'each' },
            field: { type: 'string' },
            scope: { enum: ['pod', 'container'] },
            containers: containerKinds,
            path: strings,
            pred: { $ref: '#/definitions/predicate' },
            absent: { enum: ['pass', 'fail'] },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'field', 'keyPrefix', 'pred'],
          properties: { kind: { const: 'entries' }, field: { type: 'string' }, keyPrefix: { type: 'string' }, pred: { $ref: '#/definitions/predicate' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'field', 'scope', 'as', 'check'],
          properties: {
            kind: { const: 'items' },
            field: { type: 'string' },
            scope: { enum: ['pod', 'container'] },
            containers: containerKinds,
            as: varName,
            check: { $ref: '#/definitions/check' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'of', 'pred', 'absent'],
          properties: { kind: { const: 'value' }, of: ref, pred: { $ref: '#/definitions/predicate' }, absent },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'in', 'as', 'check'],
          properties: { kind: { const: 'some' }, in: ref, as: varName, check: { $ref: '#/definitions/check' } },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'keyPrefix', 'pred', 'absent'],
          properties: {
            kind: { const: 'containerAnnotation' },
            keyPrefix: { type: 'string', minLength: 1 },
            containers: containerKinds,
            pred: { $ref: '#/definitions/predicate' },
            absent,
          },
        },
        { type: 'object', additionalProperties: false, required: ['kind', 'holds'], properties: { kind: { const: 'const' }, holds: { type: 'boolean' } } },
      ],
    },
  },
} as const;

export class IRValidationError extends Error {
  constructor(
    readonly source: string,
    readonly issues: string[],
  ) {
    super(`${source}: not a valid podsec policy IR:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'IRValidationError';
  }
}

let compiled: ReturnType<Ajv['compile']> | undefined;

function formatIssue(e: ErrorObject): string {
  return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`;
}

/**
 * Validates untrusted JSON (e.g. a hand-edited `ir/*.json`) against the schema and then the
 * field table (policyIssues, IR tier: fields, levels, item paths, value types), and returns it
 * typed. Every IR a compiler sees went through here or through the DSL's definePolicy, which runs
 * the same checks plus the authoring ones.
 */
export function parsePolicyIR(value: unknown, source = '<ir>'): PolicyIR {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(POLICY_IR_SCHEMA);
  if (!compiled(value)) {
    throw new IRValidationError(source, (compiled.errors ?? []).slice(0, 20).map(formatIssue));
  }
  const { $comment: _comment, ...ir } = value as PolicyIR & { $comment?: string };
  const issues = policyIssues(ir as PolicyIR, 'ir');
  if (issues.length)
    throw new IRValidationError(
      source,
      issues.map((i) => `${i.where ? `${i.where}: ` : ''}${i.problem}. Fix: ${i.fix}`),
    );
  return ir as PolicyIR;
}
