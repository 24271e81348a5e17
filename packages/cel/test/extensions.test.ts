/**
 * Kubernetes CEL extension functions registered on top of the library. Each case is an example from the
 * upstream reference, written as a CEL expression that must be true:
 *  - strings: cel-go ext/README.md "Strings" (charAt, format, replace, reverse, quote) and the
 *    Kubernetes "CEL in Kubernetes" docs' extension table;
 *  - lists, regex, quantity: k8s.io/apiserver/pkg/cel/library/{lists,regex,quantity}.go doc comments;
 *  - sets: cel-go ext/README.md "Sets"; optionals: cel-go README "Optional Values".
 */
import { describe, expect, it } from '@jest/globals';
import { compileCel, evaluateCel, toCel, type CelCompileEnv, type CelResult } from '../src/index.js';

const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };

function run(expression: string, object: unknown = {}): CelResult {
  const c = compileCel(expression, env, { policy: 'ext', expressionPath: 'expression' });
  if (!c.ok) throw new Error(`${expression}: ${c.diagnostic.message}`);
  return evaluateCel(c.program, { object: toCel(object), oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null });
}

const truths: Record<string, string[]> = {
  strings: [
    "'hello'.charAt(4) == 'o'",
    "'hello'.charAt(5) == ''",
    "'hello mellow'.indexOf('ello') == 1",
    "'hello mellow'.lastIndexOf('ello') == 7",
    "'TacoCat'.lowerAscii() == 'tacocat'",
    "'TacoCat'.upperAscii() == 'TACOCAT'",
    "'hello hello'.replace('he', 'we') == 'wello wello'",
    "'hello hello'.replace('he', 'we', 1) == 'wello hello'",
    "'hello hello'.replace('he', 'we', 0) == 'hello hello'",
    "'hello hello'.split(' ') == ['hello', 'hello']",
    "'hello hello hello'.split(' ', 2) == ['hello', 'hello hello']",
    "'tacocat'.substring(4) == 'cat'",
    "'tacocat'.substring(0, 4) == 'taco'",
    "'  \\ttrim\\n    '.trim() == 'trim'",
    "['hello', 'mellow'].join(' ') == 'hello mellow'",
    "'gums'.reverse() == 'smug'",
    'strings.quote(\'single-quote with "double quote"\') == \'"single-quote with \\\\"double quote\\\\""\'',
    "'this is a string: %s\\nand an integer: %d'.format(['str', 42]) == 'this is a string: str\\nand an integer: 42'",
    "'%.3f'.format([3.14159]) == '3.142'",
    "'%f'.format([2.5]) == '2.500000'",
    "'%e'.format([2.5e3]) == '2.500000e+03'",
    "'%x %X %o %b'.format([255, 255, 8, 5]) == 'ff FF 10 101'",
    "'%s'.format([[1, 'a']]) == '[1, a]'", // cel-spec string_ext "dyntype support for lists": nested strings unquoted
    "'%s and %s'.format([true, null]) == 'true and null'",
    "'100%%'.format([]) == '100%'",
  ],
  lists: [
    '[1, 2, 3].isSorted()',
    "!['b', 'a'].isSorted()",
    '[1, 2, 3].sum() == 6',
    '[1.5, 2.5].sum() == 4.0',
    '[].sum() == 0',
    '[3, 1, 2].min() == 1',
    "['b', 'c', 'a'].max() == 'c'",
    "['a', 'b', 'b', 'c'].indexOf('b') == 1",
    "['a', 'b', 'b', 'c'].lastIndexOf('b') == 2",
    "['a'].indexOf('z') == -1",
    'object.caps.indexOf(2) == 1',
  ],
  regex: [
    "'abc 123'.find('[0-9]+') == '123'",
    "'abc'.find('[0-9]+') == ''",
    "'123 abc 456'.findAll('[0-9]+') == ['123', '456']",
    "'123 abc 456'.findAll('[0-9]+', 1) == ['123']",
    "'ABC'.find('(?i)b') == 'B'",
  ],
  sets: [
    'sets.contains([1, 2, 3, 4], [2, 3])',
    '!sets.contains([1, 2], [3])',
    'sets.contains([1], [])',
    'sets.contains([1, 2.0, 3u], [1.0, 2u, 3])',
    'sets.equivalent([1, 2, 3], [3, 2, 1, 1])',
    '!sets.equivalent([1, 2], [1, 2, 3])',
    'sets.intersects([1, 2, 3], [3, 4])',
    '!sets.intersects([1], [])',
  ],
  optionals: [
    "optional.ofNonZeroValue('').orValue('dflt') == 'dflt'",
    "optional.ofNonZeroValue('x').orValue('dflt') == 'x'",
    '!optional.ofNonZeroValue(0).hasValue()',
    '!optional.ofNonZeroValue([]).hasValue()',
    'optional.ofNonZeroValue([1]).hasValue()',
    'object.?caps.orValue([]).size() == 3',
  ],
  quantity: [
    "quantity('50k').isInteger()",
    "quantity('50k').asInteger() == 50000",
    "!quantity('500m').isInteger()",
    "quantity('1.5').asApproximateFloat() == 1.5",
    "quantity('1Gi').asInteger() == 1073741824",
    "quantity('1Mi').isGreaterThan(quantity('1M'))",
    "quantity('200M').isLessThan(quantity('1G'))",
    "quantity('50M').compareTo(quantity('50Mi')) == -1",
    "quantity('50k').add(quantity('20k')).asInteger() == 70000",
    "quantity('50k').sub(20000).asInteger() == 30000",
    "quantity('-5').sign() == -1",
    "isQuantity('1.3G')",
    "!isQuantity('1.3Gb')",
  ],
};

describe.each(Object.entries(truths))('%s extension', (_name, expressions) => {
  it.each(expressions)('%s', (expression) => {
    expect(run(expression, { caps: [1, 2, 3] })).toEqual({ ok: true, value: true });
  });
});

describe('extension errors are CEL error values', () => {
  it.each([
    "'hello'.charAt(6)",
    '[].min()',
    "[1, 'a'].isSorted()",
    "'%d'.format(['x'])",
    "'%s %s'.format(['only one'])",
    "'x'.find('(')",
    "quantity('bogus')",
    "quantity('500m').asInteger()",
  ])('%s', (expression) => {
    expect(run(expression).ok).toBe(false);
  });

  it('an extension error inside exists() is absorbed when another element is true', () => {
    expect(run("['(', 'a'].exists(p, 'abc'.find(p) == 'a')")).toEqual({ ok: true, value: true });
  });
});
