/**
 * Kubernetes' own CEL libraries, tested with the examples of the Kubernetes CEL documentation: the
 * "Kubernetes CEL libraries" section of kubernetes.io/docs/reference/using-api/cel (list, regex, URL, quantity,
 * authorizer tables) and the godoc of k8s.io/apiserver/pkg/cel/library it links to (ip.go, cidr.go, urls.go,
 * semverlib.go, format.go), each written here as `expression → documented result`. `ERROR` marks the
 * examples documented as "error". Where the doc and the code disagree, the comment says which one is followed.
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { checkCelPolicy, compileCel, evaluateCel, fromCel, toCel, type CelCompileEnv, type CelResult } from '../src/index.js';

const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };
const loc = { policy: 'k8s-libs', expressionPath: 'expression' };

function run(expression: string, object: unknown = {}): CelResult {
  const c = compileCel(expression, env, loc);
  if (!c.ok) throw new Error(`${expression}: ${c.diagnostic.message}`);
  return evaluateCel(c.program, { object: toCel(object), oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null });
}

const ERROR = Symbol('error');
type Example = [expression: string, expected: unknown];

function check(examples: Example[], object?: unknown): void {
  it.each(examples)('%s', (expression, expected) => {
    const r = run(expression, object);
    if (expected === ERROR) {
      expect(r.ok).toBe(false);
      return;
    }
    if (!r.ok) throw new Error(`${expression}: ${r.error.message}`);
    expect(fromCel(r.value)).toEqual(expected);
  });
}

describe('quantity (kubernetes.io "Kubernetes quantity library")', () => {
  check([
    ['isQuantity("1.5G")', true],
    ['isQuantity("20Mi")', true],
    ['isQuantity("1.5Gx")', false],
    ['quantity("500000G").isInteger()', true],
    ['quantity("50k").asInteger()', 50000],
    ['quantity("9999999999999999999999999999999999999G").asApproximateFloat()', 1e46],
    ['quantity("50k").add(quantity("20k")) == quantity("70k")', true],
    ['quantity("50k").sub(20000) == quantity("30k")', true],
    ['quantity("50k").add(20).sub(quantity("100k")).sub(-50000) == quantity("20")', true],
    ['quantity("200M").compareTo(quantity("0.2G"))', 0],
    ['quantity("150Mi").isGreaterThan(quantity("100Mi"))', true],
    ['quantity("50M").isLessThan(quantity("100M"))', true],
    ['quantity("-1").sign()', -1],
    ['quantity("0").sign()', 0],
    ['quantity("1m").isInteger()', false],
    ['quantity("1m").asInteger()', ERROR],
    ['quantity("1.5Gx")', ERROR],
  ]);
});

describe('ip (godoc of library.IP)', () => {
  check([
    ["isIP('127.0.0.1')", true],
    ["isIP('::1')", true],
    ["isIP('127.0.0.256')", false],
    ["isIP(':::1')", false],
    ["ip('127.0.0.256')", ERROR],
    ["ip(':::1')", ERROR],
    // Kubernetes refuses what Go's netip would accept: IPv4-mapped IPv6, zones, leading zeros in octets.
    ["isIP('::ffff:1.2.3.4')", false],
    ["isIP('fe80::1%eth0')", false],
    ["isIP('010.0.0.1')", false],
    ["ip.isCanonical('127.0.0.1')", true],
    ["ip.isCanonical('2001:db8::abcd')", true],
    ["ip.isCanonical('2001:DB8::ABCD')", false],
    ["ip.isCanonical('2001:db8::0:0:0:abcd')", false],
    ["ip('127.0.0.1').family()", 4],
    ["ip('::1').family()", 6],
    ["ip('127.0.0.1').family() == 4", true],
    ["ip('::1').family() == 6", true],
    ["ip('0.0.0.0').isUnspecified()", true],
    ["ip('127.0.0.1').isUnspecified()", false],
    ["ip('::').isUnspecified()", true],
    ["ip('::1').isUnspecified()", false],
    ["ip('127.0.0.1').isLoopback()", true],
    ["ip('192.168.0.1').isLoopback()", false],
    ["ip('::1').isLoopback()", true],
    ["ip('2001:db8::abcd').isLoopback()", false],
    ["ip('224.0.0.1').isLinkLocalMulticast()", true],
    ["ip('224.0.1.1').isLinkLocalMulticast()", false],
    ["ip('ff02::1').isLinkLocalMulticast()", true],
    ["ip('fd00::1').isLinkLocalMulticast()", false],
    ["ip('169.254.169.254').isLinkLocalUnicast()", true],
    ["ip('192.168.0.1').isLinkLocalUnicast()", false],
    ["ip('fe80::1').isLinkLocalUnicast()", true],
    ["ip('fd80::1').isLinkLocalUnicast()", false],
    ["ip('192.168.0.1').isGlobalUnicast()", true],
    ["ip('255.255.255.255').isGlobalUnicast()", false],
    ["ip('2001:db8::abcd').isGlobalUnicast()", true],
    ["ip('ff00::1').isGlobalUnicast()", false],
    ["string(ip('2001:DB8:0:0:0::ABCD'))", '2001:db8::abcd'],
    ["string(ip('::ffff'))", '::ffff'],
    ["ip('10.0.0.1') == ip('10.0.0.1')", true],
    ["ip('::1') != ip('::2')", true],
  ]);
});

describe('cidr (godoc of library.CIDR)', () => {
  check([
    ["isCIDR('192.168.0.0/16')", true],
    ["isCIDR('::1/128')", true],
    ["isCIDR('192.168.0.0/33')", false],
    ["isCIDR('::1/129')", false],
    ["isCIDR('::ffff:1.2.3.4/120')", false],
    ["cidr('192.168.0.0/33')", ERROR],
    ["cidr('::1/129')", ERROR],
    ["cidr('192.168.0.0/24').containsIP(ip('192.168.0.1'))", true],
    ["cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))", false],
    ["cidr('192.168.0.0/24').containsIP('192.168.0.1')", true],
    ["cidr('192.168.0.0/24').containsIP('192.168.1.1')", false],
    ["cidr('192.168.0.0/16').containsCIDR(cidr('192.168.10.0/24'))", true],
    ["cidr('192.168.1.0/24').containsCIDR(cidr('192.168.2.0/24'))", false],
    ["cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')", true],
    ["cidr('192.168.1.0/24').containsCIDR('192.168.2.0/24')", false],
    ["cidr('192.168.0.1/24').ip() == ip('192.168.0.1')", true],
    ["cidr('192.168.0.1/24').ip().family()", 4],
    ["cidr('::1/128').ip() == ip('::1')", true],
    ["cidr('::1/128').ip().family()", 6],
    ["cidr('192.168.0.0/24').masked() == cidr('192.168.0.0/24')", true],
    ["cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')", true],
    ["cidr('192.168.0.0/24') == cidr('192.168.0.0/24').masked()", true],
    ["cidr('192.168.0.1/24') == cidr('192.168.0.1/24').masked()", false],
    ["cidr('192.168.0.0/16').prefixLength()", 16],
    ["cidr('::1/128').prefixLength()", 128],
    ["string(cidr('192.168.0.1/24').masked())", '192.168.0.0/24'],
    ["string(cidr('2001:db8::/32'))", '2001:db8::/32'],
  ]);
});

describe('url (kubernetes.io "Kubernetes URL library" and godoc of library.URLs)', () => {
  check([
    ["url('https://example.com:80/').getHost()", 'example.com:80'],
    ["url('https://example.com/path with spaces/').getEscapedPath()", '/path%20with%20spaces/'],
    ["isURL('https://user:pass@example.com:80/path?query=val#fragment')", true],
    ["isURL('/absolute-path')", true],
    ["isURL('https://a:b:c/')", false],
    ["isURL('../relative-path')", false],
    ["url('https://a:b:c/')", ERROR],
    ["url('../relative-path')", ERROR],
    ["url('/path').getScheme()", ''],
    ["url('https://example.com/').getScheme()", 'https'],
    ["url('https://example.com/').getHost()", 'example.com'],
    ["url('https://[::1]:80/').getHost()", '[::1]:80'],
    ["url('https://[::1]/').getHost()", '[::1]'],
    ["url('/path').getHost()", ''],
    ["url('https://example.com:80/').getHostname()", 'example.com'],
    ["url('https://127.0.0.1:80/').getHostname()", '127.0.0.1'],
    ["url('https://[::1]:80/').getHostname()", '::1'],
    ["url('/path').getHostname()", ''],
    ["url('https://example.com:80/').getPort()", '80'],
    ["url('https://example.com/').getPort()", ''],
    ["url('/path').getPort()", ''],
    ["url('https://example.com/path').getEscapedPath()", '/path'],
    ["url('https://example.com').getEscapedPath()", ''],
    ["url('https://example.com/path?k1=a&k2=b&k2=c').getQuery()", { k1: ['a'], k2: ['b', 'c'] }],
    ["url('https://example.com/path?key with spaces=value with spaces').getQuery()", { 'key with spaces': ['value with spaces'] }],
    ["url('https://example.com/path?').getQuery()", {}],
    ["url('https://example.com/path').getQuery()", {}],
    ["url('https://user:pass@example.com:80/path?query=val#fragment').getQuery()", { query: ['val'] }],
  ]);
});

describe('regex find/findAll (kubernetes.io "Kubernetes regex library")', () => {
  check([
    ['"abc 123".find(\'[0-9]*\')', ''],
    ['"abc 123".find(\'[0-9]+\')', '123'],
    ['"1, 2, 3, 4".findAll(\'[0-9]+\').map(x, int(x)).sum() < 100', true],
    ['"1, 2, 3, 4".findAll(\'[0-9]+\')', ['1', '2', '3', '4']],
    ['"1, 2, 3, 4".findAll(\'[0-9]+\', 2)', ['1', '2']],
  ]);
});

describe('lists (kubernetes.io "Kubernetes list library")', () => {
  const object = {
    names: ['a', 'should-be-first', 'z'],
    items: [{ weight: 0.25 }, { weight: 0.75 }],
    lowPriorities: [{ priority: 1 }, { priority: 3 }],
    highPriorities: [{ priority: 10 }, { priority: 4 }],
  };
  check(
    [
      ['object.names.isSorted()', true],
      ['object.items.map(x, x.weight).sum() == 1.0', true],
      ['object.lowPriorities.map(x, x.priority).max() < object.highPriorities.map(x, x.priority).min()', true],
      ["object.names.indexOf('should-be-first') == 1", true],
      ["object.names.lastIndexOf('z')", 2],
      ["['b', 'a'].isSorted()", false],
      ['[].min()', ERROR],
    ],
    object,
  );
});

describe('sets (cel-go ext.Sets, enabled by Kubernetes)', () => {
  check([
    ['sets.contains([], [])', true],
    ['sets.contains([], [1])', false],
    ['sets.contains([1, 2, 3, 4], [2, 3])', true],
    ['sets.contains([1, 2.0, 3u], [1.0, 2u, 3])', true],
    ['sets.equivalent([], [])', true],
    ['sets.equivalent([1], [1, 1])', true],
    ['sets.equivalent([1], [1u, 1.0])', true],
    ['sets.equivalent([1, 2, 3], [3u, 2.0, 1])', true],
    ['sets.intersects([1], [])', false],
    ['sets.intersects([1], [1, 2])', true],
    ['sets.intersects([[1], [2, 3]], [[1, 2], [2, 3.0]])', true],
  ]);
});

describe('format (godoc of library.Format)', () => {
  check([
    ["format.dns1123Label().validate('my-label-name')", null],
    ["format.dns1123Subdomain().validate('apiextensions.k8s.io')", null],
    ["format.dns1035Label().validate('my-label-name')", null],
    ["format.qualifiedName().validate('apiextensions.k8s.io/v1beta1')", null],
    ["format.dns1123LabelPrefix().validate('my-label-prefix-')", null],
    ["format.dns1123SubdomainPrefix().validate('mysubdomain.prefix.-')", null],
    ["format.dns1035LabelPrefix().validate('my-label-prefix-')", null],
    ["format.uri().validate('http://example.com')", null],
    ["format.uuid().validate('123e4567-e89b-12d3-a456-426614174000')", null],
    ["format.byte().validate('aGVsbG8=')", null],
    ["format.date().validate('2021-01-01')", null],
    ["format.datetime().validate('2021-01-01T00:00:00Z')", null],
    ["format.labelValue().validate('')", null],
    // The godoc's CRD example: a rule on hasValue() and a message joining the errors.
    ["format.dns1123Label().validate('My_Name').hasValue()", true],
    [
      "format.dns1123Label().validate('My_Name').value().join('\\n')",
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ],
    ["format.dns1123Label().validate('ab') == optional.none()", true],
    ["format.dns1035Label().validate('1abc').value().size()", 1],
    ["format.qualifiedName().validate('/x').value()[0]", 'prefix part must be non-empty'],
    ["format.uuid().validate('nope').value()", ['does not match the UUID format']],
    ["format.byte().validate('a===').value()", ['invalid base64']],
    ["format.date().validate('2021-02-30').value()", ['invalid date']],
    ["format.datetime().validate('2021-01-01').value()", ['invalid datetime']],
    ["format.uri().validate('../relative').hasValue()", true],
    ["format.named('dns1123Label').value().validate('my-name')", null],
    ["format.named('dns1123Label').hasValue()", true],
    ["format.named('bogus').hasValue()", false],
    ["format.named('labelValue').value() == format.labelValue()", true],
  ]);
});

describe('semver (godoc of library.SemverLib)', () => {
  check([
    ["isSemver('1.0.0')", true],
    ["isSemver('0.1.0-alpha.1')", true],
    ["isSemver('hello')", false],
    ["isSemver('v1.0')", false],
    ["isSemver('v1.0', true)", true],
    ["isSemver('1.0', true)", true],
    ["isSemver('01.01.01', true)", true],
    ["isSemver('01.01.01')", false],
    ["semver('200K')", ERROR],
    ["semver('Three')", ERROR],
    ["semver('Mi')", ERROR],
    ["semver('v1.0.0', true) == semver('1.0.0')", true],
    ["semver('1.0', true) == semver('1.0.0')", true],
    ["semver('01.01.01', true) == semver('1.1.1')", true],
    ["semver('1.0-rc1', true)", ERROR], // short versions cannot carry pre-release data
    ['semver("1.2.3").major()', 1],
    ['semver("1.2.3").minor()', 2],
    ['semver("1.2.3").patch()', 3],
    ['semver("1.2.3").compareTo(semver("1.2.3"))', 0],
    ['semver("1.2.3").compareTo(semver("2.0.0"))', -1],
    ['semver("1.2.3").compareTo(semver("0.1.2"))', 1],
    ['semver("1.2.3").isGreaterThan(semver("1.2.2"))', true],
    ['semver("1.2.3").isLessThan(semver("1.10.0"))', true],
    // semver.org precedence: a pre-release sorts before its release, numeric identifiers before alphanumeric.
    ['semver("1.0.0-alpha").isLessThan(semver("1.0.0"))', true],
    ['semver("1.0.0-alpha.1").isLessThan(semver("1.0.0-alpha.beta"))', true],
    ['semver("1.0.0+build.1").compareTo(semver("1.0.0"))', 0],
  ]);
});

describe('authorizer (kubernetes.io "Kubernetes authorizer library"): refused at compile time', () => {
  it.each([
    ["authorizer.group('').resource('pods').namespace('default').check('create').allowed()", 'authorizer.group()'],
    ["authorizer.path('/healthz').check('get').allowed()", 'authorizer.path()'],
    ["authorizer.serviceAccount('default', 'myserviceaccount').resource('deployments').check('delete').allowed()", 'authorizer.serviceAccount()'],
    ["authorizer.group('').resource('pods').fieldSelector('spec.nodeName=mynode').check('list').allowed()", 'authorizer.group()'],
    ["authorizer.requestResource.check('get').allowed()", 'authorizer.requestResource.check()'],
  ])('%s', (expression, fn) => {
    const c = compileCel(expression, env, loc);
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.diagnostic.kind).toBe('unsupported');
      expect(c.diagnostic.message).toContain('unsupported: authorizer needs a live apiserver');
      expect(c.diagnostic.message).toContain(fn);
    }
  });
});

describe('a ValidatingAdmissionPolicy using the libraries compiles and is cost-estimated', () => {
  it('reports no diagnostics (containers bounded as a schema with maxItems would)', () => {
    const doc = parse(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: k8s-libs}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]
  validations:
  - expression: "!has(object.status.podIP) || cidr('10.0.0.0/8').containsIP(object.status.podIP)"
  - expression: "object.spec.containers.all(c, !has(c.resources.limits.memory) || quantity(c.resources.limits.memory).isLessThan(quantity('1Gi')))"
  - expression: "!has(object.metadata.annotations.docs) || url(object.metadata.annotations.docs).getScheme() == 'https'"
  - expression: "!has(object.metadata.labels.version) || semver(object.metadata.labels.version, true).isGreaterThan(semver('1.0.0'))"
    messageExpression: "format.labelValue().validate(object.metadata.name).orValue([]).join(', ')"
  - expression: "format.dns1123Label().validate(object.metadata.name) == optional.none()"
`) as unknown;
    expect(checkCelPolicy(doc, { source: 'k8s-libs.yaml', cost: { listSizes: { 'object.spec.containers': 100 } } })).toEqual([]);
  });
});
