/**
 * The fast YAML writer (yaml-emit.ts) against the yaml library's document model, its reference:
 * the same bytes for any tree of maps, lists and scalars, with every option the compilers use.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Scalar } from 'yaml';
import { emitYaml, Unsupported } from '../../src/shared/yaml-emit.js';
import { toYaml, useYamlEmitter } from '../../src/shared/yaml.js';

afterEach(() => useYamlEmitter('fast'));

/** toYaml's text from the library and from the fast writer; `fast` is undefined where it defers to the library. */
function both(doc: unknown, options: { lineWidth?: number; flowLists?: readonly string[] }) {
  useYamlEmitter('library');
  const library = toYaml(doc, options);
  useYamlEmitter('fast');
  let handled = true;
  try {
    emitYaml(doc, options.lineWidth ?? 0, {});
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    handled = false;
  }
  return { library, fast: toYaml(doc, options), handled };
}

// Strings as manifests hold them (words, prose, code with newlines, quotes, indicators) and arbitrary ones.
const text = fc.oneof(
  fc.constantFrom(
    '',
    'yes',
    'on',
    'null',
    '~',
    '1.0',
    '0x1F',
    '- x',
    'a: b',
    '#c',
    'x #y',
    ' lead',
    'trail ',
    '---',
    'a\nb',
    'a\n\nb\n',
    '|',
    "it's",
    '"q"',
    '[x]',
  ),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_./-]{0,20}$/),
  fc.array(fc.constantFrom('word', 'longer', 'x', 'y:', '\n', ' ', '  ', '#', "'", '"', '\t', '{', ','), { maxLength: 40 }).map((xs) => xs.join(' ')),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ minLength: 60, maxLength: 300 }),
);
const key = fc.oneof(fc.constantFrom('apiVersion', 'kind', 'metadata', 'spec', 'rules', 'match', 'kinds', 'message', 'rego', 'yes', '1', 'a b', 'x:y'), text);
const tree = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    text.map((t) => Object.assign(new Scalar(t), { type: Scalar.BLOCK_LITERAL })),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;
const options = fc.record({ lineWidth: fc.constantFrom(0, 40, 80, 120), flowLists: fc.constantFrom(undefined, ['kinds', 'rules', 'spec']) });

describe('the fast YAML writer', () => {
  it('writes the bytes the yaml library writes, for any tree and every option', () => {
    let handled = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 6 }), options, (doc, opts) => {
        const r = both(doc, opts);
        expect(r.fast).toBe(r.library);
        if (r.handled) handled++;
      }),
      { numRuns: 3000, seed: 15 },
    );
    // The comparison means something only if the fast path wrote most documents itself.
    expect(handled).toBeGreaterThan(2000);
  });

  it('writes manifest-shaped documents itself: block Rego, folded prose, flow lists, empty collections', () => {
    const doc = {
      apiVersion: 'templates.gatekeeper.sh/v1',
      kind: 'ConstraintTemplate',
      metadata: { name: 'x', annotations: { description: `${'A long description that folds. '.repeat(8)}` } },
      spec: {
        kinds: ['Pod', 'Deployment'],
        empty: {},
        none: [],
        rego: Object.assign(new Scalar('package x\n\nviolation[{"msg": msg}] {\n  msg := "no"\n}\n'), { type: Scalar.BLOCK_LITERAL }),
        rules: [{ id: 'r1', enabled: true, max: 65535, when: null }, 'plain', 'yes'],
      },
    };
    for (const lineWidth of [0, 80, 120]) {
      const r = both(doc, { lineWidth, flowLists: ['kinds'] });
      expect(r.handled).toBe(true);
      expect(r.fast).toBe(r.library);
    }
    expect(toYaml(doc, { lineWidth: 80, flowLists: ['kinds'] })).toContain('  kinds: [Pod, Deployment]\n');
  });

  it('leaves to the library what it does not model: undefined in a list, NaN', () => {
    for (const doc of [{ a: [1, undefined] }, { a: Number.NaN }]) {
      const r = both(doc, {});
      expect(r.handled).toBe(false);
      expect(r.fast).toBe(r.library);
    }
  });

  it('quotes what YAML 1.1 reads as a number or boolean, as the library does', () => {
    const r = both({ e0: 'E10', yes: 'n', ok: 'e-x' }, {});
    expect(r.fast).toBe('"e0": "E10"\n"yes": "n"\nok: e-x\n');
    expect(r.fast).toBe(r.library);
  });
});
