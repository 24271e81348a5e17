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
  const got = run(await sdkPolicy(src, entrypoint), json);
  // A result set is an array: a string is the message the evaluation was rejected with.
  return typeof got === 'string' ? { thrown: got } : got;
}

/** One compiled module in the unmodified SDK and the entrypoint evaluated, for many raw inputs. */
type SdkPolicy = { evaluate(input: ArrayBuffer, entrypoint: string): unknown; entrypoint: string };

async function sdkPolicy(src: string, entrypoint: string): Promise<SdkPolicy> {
  const r = compileRego([{ path: 'm.rego', text: src }], { entrypoints: [entrypoint] });
  const p = await loadPolicy(r.wasm, undefined, r.hostBuiltins);
  return { evaluate: (input, e) => p.evaluate(input, e), entrypoint };
}

/** The policy's result set on raw JSON text, or the message it was rejected with. */
function run(p: SdkPolicy, json: string): unknown {
  const bytes = new TextEncoder().encode(json);
  try {
    return p.evaluate(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, p.entrypoint);
  } catch (e) {
    return describeThrown(e);
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
      // Numbers follow JSON's grammar, as OPA's parser does: no leading zeros, digits after `.` and `e`.
      ['{"a":1,"b":[01]}', 'expected , or ] in array at byte 13'],
      ['{"a":1,"b":[1.]}', 'invalid number at byte 14'],
      ['{"a":1,"b":[-]}', 'invalid number at byte 13'],
      ['{"a":1,"b":[1e+]}', 'invalid number at byte 15'],
      ['{"a":1,"b":[1.2.3]}', 'expected , or ] in array at byte 15'],
      ['{"a":1,"b":[.5]}', 'unexpected character at byte 12'],
    ];
    for (const [json, error] of cases) {
      const got = (await evalBytes(src, 't/p', json)) as { thrown?: string };
      expect(got.thrown).toContain(`input is not valid JSON: ${error}`);
    }
  });

  it('validates every input as the eager parser does: the same value, or the same error at the same byte', async () => {
    // Inputs above LAZY_MAX_BYTES (1 MiB) are parsed eagerly, so the same text behind 1 MiB of
    // leading spaces is the eager parser's verdict, its byte offsets shifted by the padding.
    const pad = ' '.repeat(1 << 20);
    const readNothing = await sdkPolicy(mod('p := 1'), 't/p');
    const readAll = await sdkPolicy(mod('p := input'), 't/p');
    const bases = [
      JSON.stringify(pod),
      JSON.stringify(pod, null, 1).replace(/\n/g, '\r\n\t'),
      '{"a":[-7,1.5e3,-2E-2,12345678901234567,0.1],"b":"\\u00e9\\n\\"\\/","c":{"d":[[],{},[{}],""]},"e":[true,false,null]}',
    ];
    const specials = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '\u0001', 't', 'n', '0', '-', '.', 'e', 'x', 'u'];
    let seed = 20261204;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n; // the low bits of this generator repeat with short periods
    };
    const texts: string[] = [...bases];
    for (let i = 0; i < 400; i++) {
      const base = bases[next(bases.length)]!;
      const at = next(base.length);
      const ch = specials[next(specials.length)]!;
      const edits = [
        base.slice(0, at),
        base.slice(0, at) + ch + base.slice(at + 1),
        base.slice(0, at) + base.slice(at + 1),
        base.slice(0, at) + ch + base.slice(at),
      ];
      const edited = edits[next(edits.length)]!;
      // As UTF-8 sees it (an edit inside a surrogate pair leaves U+FFFD); no bytes at all are no input.
      if (edited !== '') texts.push(new TextDecoder().decode(new TextEncoder().encode(edited)));
    }
    // Nesting at the limit (512 levels) is accepted, one level more is not, also in a member never read.
    texts.push(`{"a":1,"b":${'['.repeat(511)}${']'.repeat(511)}}`, `{"a":1,"b":${'['.repeat(512)}${']'.repeat(512)}}`, `{"a":1,"b":${'[ '.repeat(512)}]}`);
    // The same with objects, whose limit is met after a key, and with empty and scalar innermost values.
    for (const depth of [510, 511, 512]) {
      for (const inner of ['{}', '[]', '1', '{"k": 2}']) texts.push(`{"a":1,"b":${'{"k": '.repeat(depth)}${inner}${'}'.repeat(depth)}}`);
    }
    let invalid = 0;
    for (const text of texts) {
      const lazy = run(readNothing, text);
      const eager = run(readNothing, pad + text);
      const shifted = typeof eager === 'string' ? eager.replace(/at byte (\d+)/, (_, n: string) => `at byte ${Number(n) - pad.length}`) : eager;
      expect([text, lazy]).toEqual([text, shifted]);
      if (typeof lazy === 'string') invalid++;
      else expect([text, run(readAll, text)]).toEqual([text, [{ result: JSON.parse(text) }]]);
    }
    // Most edits break the text, and some leave it valid: both paths are exercised.
    expect(invalid).toBeGreaterThan(texts.length / 3);
    expect(invalid).toBeLessThan(texts.length - 20);
  });

  it('reads keys that equal the plan\u2019s strings, whatever their length, spelling or number', async () => {
    // Input keys with the bytes of a plan string become the plan's own value (assembly/intern.ts):
    // lengths around the 8-byte words the table hashes, keys that differ only in their last byte,
    // escaped and non-ASCII spellings (parsed the slow way), and plans with more strings than the table holds.
    const names = ['', 'a', 'abcdefg', 'abcdefgh', 'abcdefghi', 'abcdefghijklmnop', 'abcdefghijklmnopq', 'abcdefghijklmnopr', 'é', 'securityContext'];
    const src = mod(`p := [v | some k in ${JSON.stringify(names)}; v := input[k]]\nq := input["ab\\u0063"]`);
    const input = Object.fromEntries(names.map((n, i) => [n, i]));
    const text = JSON.stringify({ ...input, abc: 'c' }).replace('"abcdefgh":', '"abcdefg\\u0068":');
    expect(await evalBytes(src, 't/p', text)).toEqual([{ result: names.map((_, i) => i) }]);
    expect(await evalBytes(src, 't/q', text)).toEqual([{ result: 'c' }]);
    const many = Array.from({ length: 6000 }, (_, i) => `s${i}`);
    const big = mod(`strings := ${JSON.stringify(many)}\np := [input[k] | some k in ["s0", "s2999", "s5999", "t"]]`);
    expect(await evalBytes(big, 't/p', JSON.stringify({ s0: 0, s2999: 1, s5999: 2, t: 3, u: 4 }))).toEqual([{ result: [0, 1, 2, 3] }]);
  });

  it('keeps the last of duplicate keys, also when the duplicates are unread composites', async () => {
    expect(await evalBytes(mod('p := input'), 't/p', '{"b":{"x":1},"a":[1],"b":{"y":[2]}}')).toEqual([{ result: { a: [1], b: { y: [2] } } }]);
    expect(await evalBytes(mod('p := input.b.y'), 't/p', ' { "b" : { "x" : 1 } , "b" : { "y" : [ 2 , { } ] } } ')).toEqual([{ result: [2, {}] }]);
    // Keys out of order, repeated, at the root and inside members, in objects small enough to be
    // sorted in place and large enough to be built key by key: the last of each key wins, as in JSON.parse.
    const readAll = await sdkPolicy(mod('p := [input, input.m, count(input.m)]'), 't/p');
    let seed = 7;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    for (const size of [2, 3, 5, 9, 17, 40, 64, 65, 90]) {
      const members = Array.from({ length: size }, (_, i) => `"k${next(size)}":${i % 3 === 0 ? `{"v":${i}}` : i}`);
      const text = `{${members.join(',')},"m":{${members.join(',')}}}`;
      const want = JSON.parse(text) as { m: object };
      expect([size, run(readAll, text)]).toEqual([size, [{ result: [want, want.m, Object.keys(want.m).length] }]]);
    }
  });

  it('answers lookups in objects it has not built from their bytes, as building them would', async () => {
    // A nested object read only by key lookups is never built (ObjV.pending): its bytes are
    // scanned for the key. Duplicate, escaped and non-ASCII keys, whitespace, absent keys, more
    // lookups than a pending object answers, and the whole object read after some lookups must
    // all give what JSON.parse gives.
    let seed = 11;
    const next = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const ws = () => [' ', '', '\n\t', ''][next(4)]!;
    const scalars = ['1', '-2.5e3', 'true', 'false', 'null', '"s\\"q\\u00e9"', '""', '{}', '[]', '{"x":[1,{"y":2}]}', '[{"a":1},"b"]'];
    for (const size of [1, 3, 12, 13, 20, 70]) {
      const keys = Array.from({ length: size + 3 }, (_, i) => `k${i}`).concat(['é', 'k']);
      const members = Array.from({ length: size + size / 2 }, () => {
        const key = keys[next(size)]!;
        const spelt = next(4) === 0 ? key.replace('k', '\\u006b') : next(9) === 0 ? 'é' : key;
        return `${ws()}"${spelt}"${ws()}:${ws()}${scalars[next(scalars.length)]}${ws()}`;
      });
      const text = `{"m":${ws()}{${members.join(',')}},"n":{"m":{${members.join(',')}}}}`;
      const m = (JSON.parse(text) as { m: Record<string, unknown> }).m;
      const looked = keys.filter((k) => k in m).map((k) => [k, m[k]]);
      const src = mod(
        [
          `keys := ${JSON.stringify(keys)}`,
          'p := [[k, v] | some k in keys; v := input.m[k]]',
          'q := [[[k, v] | some k in keys; v := input.n.m[k]], input.n.m, [[k, v] | some k in keys; v := input.n.m[k]]]',
        ].join('\n'),
      );
      const policy = await sdkPolicy(src, 't/p');
      expect([size, run(policy, text)]).toEqual([size, [{ result: looked }]]);
      const whole = await sdkPolicy(src, 't/q');
      expect([size, run(whole, text)]).toEqual([size, [{ result: [looked, m, looked] }]]);
    }
  });
});
