// Built-ins through the SDK, all native (sprintf, regex.match and glob.match included; the
// regex/glob engine has its own cases in regex-glob.test.ts). Expected values follow OPA's built-in
// reference (docs "Policy Reference") and its cases under v1/test/cases/testdata/v1/strings,
// sets, aggregates, objectget, typebuiltin, casts, regexmatch and globmatch.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const exprs = async (list: string[], input?: unknown): Promise<unknown[]> =>
  (await valueOf(`package t\n\nr := [\n${list.map((e) => `  ${e},`).join('\n')}\n]\n`, 't/r', input)) as unknown[];

describe('string built-ins', () => {
  it('count counts code points, not UTF-16 units or bytes', async () => {
    expect(await exprs(['count("abc")', 'count("héllo")', 'count("😀x")', 'count("")'])).toEqual([3, 5, 2, 0]);
  });

  it('case, prefix, suffix, containment and concatenation handle non-ASCII text', async () => {
    expect(
      await exprs([
        'upper("straße-é")',
        'lower("ÉCOLE")',
        'startswith("ünïcode", "ün")',
        'endswith("docker.io/nginx", "nginx")',
        'contains("a😀b", "😀")',
        'concat(", ", ["a", "b", "c"])',
        'concat("-", {"b", "a"})',
      ]),
    ).toEqual(['STRASSE-É', 'école', true, true, true, 'a, b, c', 'a-b']);
  });

  it('split, replace, indexof and substring', async () => {
    expect(
      await exprs([
        'split("a.b.c", ".")',
        'split("abc", "")',
        'replace("a-b-c", "-", "+")',
        'indexof("añb", "b")',
        'substring("héllo", 1, 3)',
        'substring("abc", 1, -1)',
      ]),
    ).toEqual([['a', 'b', 'c'], ['a', 'b', 'c'], 'a+b+c', 2, 'éll', 'bc']);
  });

  it('the trim family', async () => {
    expect(
      await exprs([
        'trim("xxhixx", "x")',
        'trim_left("xxhixx", "x")',
        'trim_right("xxhixx", "x")',
        'trim_prefix("registry/app", "registry/")',
        'trim_prefix("app", "registry/")',
        'trim_suffix("image:latest", ":latest")',
        'trim_space("\\t hi \\n")',
      ]),
    ).toEqual(['hi', 'hixx', 'xxhi', 'app', 'app', 'image', 'hi']);
  });

  it('sprintf formats like OPA: Go verbs over ints, floats, strings and Rego text for everything else', async () => {
    // topdown/strings.go builtinSprintf converts arguments before calling Go's fmt.Sprintf.
    expect(
      await exprs([
        'sprintf("%s has %d containers", ["pod", 3])',
        'sprintf("%v %v %v", [true, null, 1.5])',
        'sprintf("%v", [["a", "b"]])',
        'sprintf("%v", [{"k": 1, "a": [true]}])',
        'sprintf("%v|%v", [{"b", "a"}, set()])',
        'sprintf("%.2f|%f|%x|%X|%q", [3.14159, 2.5, 255, "hi", "q\\""])',
        'sprintf("[%5s|%-5s|%03d]", ["ab", "cd", 7])',
        'sprintf("%d|%s|%v", ["x", 5])',
        'sprintf("%v", [1, 2])',
        'sprintf("100%%", [])',
      ]),
    ).toEqual([
      'pod has 3 containers',
      'true null 1.5',
      '["a", "b"]',
      '{"a": [true], "k": 1}',
      '{"a", "b"}|set()',
      '3.14|2.500000|ff|6869|"q\\""',
      '[   ab|cd   |007]',
      '%!d(string=x)|%!s(int=5)|%!v(MISSING)',
      '1%!(EXTRA int=2)',
      '100%',
    ]);
  });

  it('regex.match and glob.match run inside the module', async () => {
    expect(
      await exprs([
        'regex.match("^[a-z]+-[0-9]+$", "web-01")',
        'regex.match("^[a-z]+$", "Web")',
        'glob.match("*.example.com", ["."], "api.example.com")',
        'glob.match("*.example.com", ["."], "a.b.example.com")',
        'glob.match("**.example.com", ["."], "a.b.example.com")',
        'glob.match("registry.io/*", [], "registry.io/app")',
        'glob.match("{nginx,envoy}:?", null, "envoy:1")',
      ]),
    ).toEqual([true, false, true, false, true, true, true]);
  });
});

describe('collections', () => {
  it('object.get with defaults and paths, object.keys, object.remove', async () => {
    const input = { sc: { runAsUser: 0 }, nested: { a: { b: [10, 20] } } };
    expect(
      await exprs(
        [
          'object.get(input.sc, "runAsUser", 1000)',
          'object.get(input.sc, "runAsGroup", 1000)',
          'object.get(input, ["nested", "a", "b", 1], "none")',
          'object.get(input, ["nested", "x"], "none")',
          'object.keys(input)',
          'object.remove({"a": 1, "b": 2}, ["a"])',
        ],
        input,
      ),
    ).toEqual([0, 1000, 20, 'none', ['nested', 'sc'], { b: 2 }]);
  });

  it('set operators and union/intersection built-ins', async () => {
    expect(
      await exprs([
        '{1, 2} | {2, 3}',
        '{1, 2} & {2, 3}',
        '{1, 2} - {2, 3}',
        'union({{1}, {2}, {1, 3}})',
        'intersection({{1, 2}, {2, 3}})',
        'array.concat([1], [2, 3])',
        'array.slice([1, 2, 3, 4], 1, 3)',
      ]),
    ).toEqual([[1, 2, 3], [2], [1], [1, 2, 3], [2], [1, 2, 3], [2, 3]]);
  });

  it('aggregates: count, sum, product, min, max, sort, any, all', async () => {
    expect(
      await exprs([
        'count({"a": 1})',
        'sum([1, 2, 3.5])',
        'product([2, 3])',
        'min([3, 1, 2])',
        'max({"a", "c", "b"})',
        'sort([3, "a", 1, null])',
        'any([false, true])',
        'all([true, false])',
        'all([])',
      ]),
    ).toEqual([1, 6.5, 6, 1, 'c', [null, 1, 3, 'a'], true, false, true]);
  });

  it('min and max of an empty collection are undefined', async () => {
    expect(await valueOf('package t\n\nr := max([])', 't/r')).toBeUndefined();
  });
});

describe('types and conversion', () => {
  it('is_* and type_name', async () => {
    expect(
      await exprs([
        'is_string("a")',
        'is_number(1.5)',
        'is_boolean(false)',
        'is_array([])',
        'is_object({})',
        'is_set(set())',
        'is_null(null)',
        'is_string(1)',
        '[type_name(null), type_name(true), type_name(1), type_name("s"), type_name([]), type_name({}), type_name(set())]',
      ]),
    ).toEqual([true, true, true, true, true, true, true, false, ['null', 'boolean', 'number', 'string', 'array', 'object', 'set']]);
  });

  it('to_number converts null, booleans and numeric strings; other strings are undefined', async () => {
    expect(await exprs(['to_number(null)', 'to_number(true)', 'to_number("42")', 'to_number("-1.5")', 'abs(-2)'])).toEqual([0, 1, 42, -1.5, 2]);
    expect(await valueOf('package t\n\nr := to_number("12abc")', 't/r')).toBeUndefined();
  });

  it('a type error inside a built-in makes the expression undefined', async () => {
    expect(await valueOf('package t\n\nr := upper(1)', 't/r')).toBeUndefined();
    expect(await valueOf('package t\n\nr := count(5)', 't/r')).toBeUndefined();
  });
});
