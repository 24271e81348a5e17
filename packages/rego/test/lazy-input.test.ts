// The input of an evaluation is parsed lazily (assembly/json.ts, Parser.lazy): object members
// that are objects or arrays are validated up front but built only when the policy reads them.
// Each case is one that laziness could get wrong: a member never read must still be valid JSON
// (with the same error), members read through every kind of access (refs, iteration, equality,
// built-ins, dumps, `with`) must be the whole value, and duplicate keys keep the last one.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { compileRego } from '../src/index.js';
import { describeThrown } from '../src/eval-error.js';
import { ensureRuntime, policyOf, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const mod = (body: string) => `package t\n\n${body}\n`;

const pod = {
  kind: 'Pod',
  metadata: { name: 'x', annotations: { 'a/b': 'quote " and \\ and \u00e9 and 😀' }, labels: {} },
  spec: {
    securityContext: { runAsUser: 1000, seLinuxOptions: { level: 's0:c1' } },
    containers: [
      { name: 'a', image: 'r/a:1', securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN'], drop: [] } } },
      { name: 'b', image: 'r/b:2', ports: [{ containerPort: 80, hostPort: 8080 }], env: [{ name: 'E', value: 'v\n' }] },
    ],
    volumes: [],
  },
  z: { a: [1.5, -2, 1e21, null, true, false, [[[]]], {}] },
};

/** Evaluates raw input bytes through the unmodified SDK (loadRegoPolicy always serialises valid JSON). */
async function evalBytes(src: string, entrypoint: string, json: string): Promise<unknown> {
  const r = compileRego([{ path: 'm.rego', text: src }], { entrypoints: [entrypoint] });
  const p = await loadPolicy(r.wasm, undefined, r.hostBuiltins);
  const bytes = new TextEncoder().encode(json);
  try {
    return p.evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, entrypoint);
  } catch (e) {
    return { thrown: describeThrown(e) };
  }
}

describe('lazily parsed input', () => {
  it('dumps the whole input unchanged, however little of it was read before', async () => {
    expect(await valueOf(mod('p := input'), 't/p', pod)).toEqual(pod);
    expect(await valueOf(mod('p := [input.spec.containers[1].ports, input]'), 't/p', pod)).toEqual([pod.spec.containers[1]!.ports, pod]);
  });

  it('reads members through refs, iteration, equality, built-ins and sprintf', async () => {
    const src = mod(
      [
        'priv contains c.name if { some c in input.spec.containers; c.securityContext.privileged }',
        'ports := [p.hostPort | some c in input.spec.containers; some p in c.ports]',
        'same if input.spec.securityContext == {"seLinuxOptions": {"level": "s0:c1"}, "runAsUser": 1000}',
        'differs if input.spec.securityContext != {"runAsUser": 1000}',
        'twice if input.spec.containers[0] == input.spec.containers[0]',
        'keys := object.keys(input.spec)',
        'got := object.get(input, ["spec", "securityContext", "seLinuxOptions", "level"], "none")',
        'union := object.union(input.spec.securityContext, {"seLinuxOptions": {"user": "u"}})',
        'removed := object.remove(input.spec, ["containers", "volumes"])',
        'text := sprintf("%v", [input.spec.securityContext])',
        'vals := [v | some v in input.spec.containers[0].securityContext]',
        'n := count(input.z.a)',
        'ann := input.metadata.annotations["a/b"]',
      ].join('\n'),
    );
    const p = await policyOf(src, [
      't/priv',
      't/ports',
      't/same',
      't/differs',
      't/twice',
      't/keys',
      't/got',
      't/union',
      't/removed',
      't/text',
      't/vals',
      't/n',
      't/ann',
    ]);
    const v = (e: string) => p.evaluate(pod, e)[0]?.result;
    expect(v('t/priv')).toEqual(['a']);
    expect(v('t/ports')).toEqual([8080]);
    expect(v('t/same')).toBe(true);
    expect(v('t/differs')).toBe(true);
    expect(v('t/twice')).toBe(true);
    expect(v('t/keys')).toEqual(['containers', 'securityContext', 'volumes']);
    expect(v('t/got')).toBe('s0:c1');
    expect(v('t/union')).toEqual({ runAsUser: 1000, seLinuxOptions: { level: 's0:c1', user: 'u' } });
    expect(v('t/removed')).toEqual({ securityContext: pod.spec.securityContext });
    expect(v('t/text')).toBe('{"runAsUser": 1000, "seLinuxOptions": {"level": "s0:c1"}}');
    expect(v('t/vals')).toEqual([{ add: ['NET_ADMIN'], drop: [] }, true]);
    expect(v('t/n')).toBe(8);
    expect(v('t/ann')).toBe(pod.metadata.annotations['a/b']);
  });

  it('replaces a member with `with` and keeps the unread ones whole', async () => {
    const src = mod('p := x if { x := input with input.spec.securityContext.runAsUser as 0 }');
    const want = { ...pod, spec: { ...pod.spec, securityContext: { ...pod.spec.securityContext, runAsUser: 0 } } };
    expect(await valueOf(src, 't/p', pod)).toEqual(want);
  });

  it('rejects invalid JSON in a member the policy never reads, with the eager parser\u2019s error', async () => {
    const src = mod('p := input.a');
    const cases: [string, string][] = [
      ['{"a":1,"b":{"c":[1,}]}}', 'unexpected character at byte 19'],
      ['{"a":1,"b":{"c":"\\q"}}', 'invalid escape at byte 19'],
      ['{"a":1,"b":{"c":"\\u12G4"}}', 'invalid \\u escape'],
      ['{"a":1,"b":{"c":"x\ty"}}', 'control character in string at byte 18'],
      ['{"a":1,"b":{"c" 1}}', 'expected : in object'],
      ['{"a":1,"b":[1 2]}', 'expected , or ] in array'],
      ['{"a":1,"b":{"c":tru}}', 'invalid literal'],
      ['{"a":1,"b":{"c":"x}}', 'unterminated string'],
    ];
    for (const [json, error] of cases) {
      const got = (await evalBytes(src, 't/p', json)) as { thrown?: string };
      expect(got.thrown).toContain(`input is not valid JSON: ${error}`);
    }
  });

  it('keeps the last of duplicate keys, also when the duplicates are unread composites', async () => {
    expect(await evalBytes(mod('p := input'), 't/p', '{"b":{"x":1},"a":[1],"b":{"y":[2]}}')).toEqual([{ result: { a: [1], b: { y: [2] } } }]);
    expect(await evalBytes(mod('p := input.b.y'), 't/p', ' { "b" : { "x" : 1 } , "b" : { "y" : [ 2 , { } ] } } ')).toEqual([{ result: [2, {}] }]);
  });
});
