/**
 * Kyverno's JMESPath dialect: missing keys raise "Unknown key" (github.com/kyverno/go-jmespath interpreter.go,
 * NotFoundError) except where the interpreter absorbs it; Kyverno's custom functions
 * (kyverno.io/docs/writing-policies/jmespath/, pkg/engine/jmespath/functions_test.go).
 */
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { kyvernoSearch, NotFoundError, KYVERNO_FUNCTION_NAMES } from '../src/index.js';

const data = { request: { object: { metadata: { name: 'p', labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b' }] } } } };

describe('missing keys', () => {
  it('a field chain through a missing key raises NotFoundError', () => {
    expect(() => kyvernoSearch('request.object.metadata.annotations.x', data)).toThrow(NotFoundError);
    expect(() => kyvernoSearch('request.object.metadata.annotations.x', data)).toThrow('Unknown key "annotations" in path');
  });
  it('|| defaults, comparators, projections and function arguments absorb it', () => {
    expect(kyvernoSearch("request.object.metadata.annotations.x || 'none'", data)).toBe('none');
    expect(kyvernoSearch('request.object.metadata.annotations == null', data)).toBe(true);
    expect(kyvernoSearch('request.object.spec.containers[].image', data)).toEqual(['nginx']);
    expect(kyvernoSearch('length(request.object.spec.initContainers || `[]`)', data)).toBe(0);
    expect(kyvernoSearch('request.object.spec.[initContainers, containers][][].name', data)).toEqual(['a', 'b']);
  });
  it('a field of null is null, not an error', () => {
    expect(kyvernoSearch('a.b', { a: null })).toBeNull();
  });
});

describe('Kyverno functions', () => {
  const cases: [string, unknown][] = [
    ["to_upper('abc')", 'ABC'],
    ["to_lower('ABC')", 'abc'],
    ["equal_fold('Hello', 'hELLO')", true],
    ["truncate('abcdef', `3`)", 'abc'],
    ["regex_match('^web-[0-9]+$', 'web-12')", true],
    ["regex_match('^web$', `1`)", false],
    ["pattern_match('prefix-*', 'prefix-a')", true],
    ["label_match({app: 'web'}, {app: 'web', tier: 'fe'})", true],
    ["label_match({app: 'db'}, {app: 'web'})", false],
    ["base64_decode('aGVsbG8=')", 'hello'],
    ["base64_encode('hello')", 'aGVsbG8='],
    ['parse_json(\'{"a":"b"}\').a', 'b'],
    ["parse_yaml('value: a\nlist: [1, 2]').list", [1, 2]],
    ["path_canonicalize('/var/run/../run//containerd/containerd.sock')", '/var/run/containerd/containerd.sock'],
    [
      "items({b: `2`, a: `1`}, 'key', 'value')",
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ],
    ],
    ["items(['x'], 'i', 'v')", [{ i: 0, v: 'x' }]],
    ['to_string(`1`)', '1'],
    ["length('abc')", 3],
    ['keys({a: `1`})', ['a']],
    ["contains(['a', 'b'], 'b')", true],
    ['type(`1`)', 'number'],
    ['abs(`-2`)', 2],
    ['add(`1`, `2`)', 3],
    ['divide(`6`, `4`)', 1.5],
    ["split('a,b', ',')", ['a', 'b']],
    ["trim('--a--', '-')", 'a'],
    ["replace_all('a.b.c', '.', '/')", 'a/b/c'],
    ["compare('a', 'b')", -1],
    ["to_boolean('TRUE')", true],
    ["sha256('a')", 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'],
    ["image_normalize('nginx')", 'docker.io/nginx:latest'],
    [
      "image_normalize('ghcr.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef')",
      'ghcr.io/a/b@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    ],
  ];
  it.each(cases)('%s', (expr, expected) => {
    expect(kyvernoSearch(expr, {})).toEqual(expected);
  });

  it('argument types are checked', () => {
    expect(() => kyvernoSearch('to_upper(`1`)', {})).toThrow("JMESPath function 'to_upper': argument #1 is not of type String");
    expect(() => kyvernoSearch("base64_decode('%%%')", {})).toThrow('illegal base64 data');
  });

  it('x509_decode exposes the RSA public key modulus as a decimal string (compared against node:crypto)', () => {
    const pem = SELF_SIGNED;
    const cert = new X509Certificate(pem);
    const jwk = cert.publicKey.export({ format: 'jwk' });
    const n = BigInt(`0x${Buffer.from(jwk.n as string, 'base64url').toString('hex')}`).toString(10);
    expect(kyvernoSearch(`x509_decode('${pem}').PublicKey.N`, {})).toBe(n);
    expect(kyvernoSearch(`x509_decode('${pem}').PublicKey.E`, {})).toBe(65537);
  });

  it('covers the functions the conformance data uses', () => {
    for (const f of [
      'to_upper',
      'to_lower',
      'regex_match',
      'pattern_match',
      'equal_fold',
      'truncate',
      'label_match',
      'base64_decode',
      'base64_encode',
      'parse_json',
      'parse_yaml',
      'path_canonicalize',
      'x509_decode',
      'items',
    ]) {
      expect(KYVERNO_FUNCTION_NAMES).toContain(f);
    }
  });
});

// The first certificate of Kyverno's test/cli/test/custom-functions resources (expired; x509_decode ignores validity).
const SELF_SIGNED = `-----BEGIN CERTIFICATE-----
MIIDSjCCAjKgAwIBAgIUWxmj40l+TDVJq98Xy7c6Leo3np8wDQYJKoZIhvcNAQEL
BQAwPTELMAkGA1UEBhMCeHgxCjAIBgNVBAgTAXgxCjAIBgNVBAcTAXgxCjAIBgNV
BAoTAXgxCjAIBgNVBAsTAXgwHhcNMTgwMjAyMTIzODAwWhcNMjMwMjAxMTIzODAw
WjA9MQswCQYDVQQGEwJ4eDEKMAgGA1UECBMBeDEKMAgGA1UEBxMBeDEKMAgGA1UE
ChMBeDEKMAgGA1UECxMBeDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB
ANHkqOmVf23KMXdaZU2eFUx1h4wb09JINBB8x/HL7UE0KFJcnOoVnNQB0gRukUop
iYCzrzMFyGWWmB/pAEKool+ZiI2uMy6mcYBDtOi4pOm7U0TQQMV6L/5Yfi65xRz3
RTMd/tYAoFi4aCZbJAGjxU6UWNYDzTy8E/cP6ZnlNbVHRiA6/wHsoWcXtWTXYP5y
n9cf7EWQi1hOBM4BWmOIyB1f6LEgQipZWMOMPPHO3hsuSBn0rk7jovSt5XTlbgRr
txqAJiNjJUykWzIF+lLnZCioippGv5vkdGvE83JoACXvZTUwzA+MLu49fkw3bweq
kbhrer8kacjfGlw3aJN37eECAwEAAaNCMEAwDgYDVR0PAQH/BAQDAgEGMA8GA1Ud
EwEB/wQFMAMBAf8wHQYDVR0OBBYEFKXcb52bv6oqnD+D9fTNFHZL8IWxMA0GCSqG
SIb3DQEBCwUAA4IBAQADvKvv3ym0XAYwKxPLLl3Lc6sJYHDbTN0donduG7PXeb1d
huukJ2lfufUYp2IGSAxuLecTYeeByOVp1gaMb5LsIGt2BVDmlMMkiH29LUHsvbyi
85CpJo7A5RJG6AWW2VBCiDjz5v8JFM6pMkBRFfXH+pwIge65CE+MTSQcfb1/aIIo
Q226P7E/3uUGX4k4pDXG/O7GNvykF40v1DB5y7DDBTQ4JWiJfyGkT69TmdOGLFAm
jwxUjWyvEey4qJex/EGEm5RQcMv9iy7tba1wK7sykNGn5uDELGPGIIEAa5rIHm1F
UFOZZVoELaasWS559wy8og39Eq21dDMynb8Bndn/
-----END CERTIFICATE-----`;

describe('expression references (&expr)', () => {
  const pods = {
    items: [
      { n: 'b', k: 2, m: { x: 'X' } },
      { n: 'a', k: 1 },
      { n: 'c', k: 3 },
    ],
  };
  it('map, sort_by, min_by and max_by evaluate &expr with Kyverno functions', () => {
    expect(kyvernoSearch('map(&to_upper(n), items)', pods)).toEqual(['B', 'A', 'C']);
    expect(kyvernoSearch("map(&lookup(m || `{}`, 'x'), items)", pods)).toEqual(['X', null, null]);
    expect(kyvernoSearch("map(&replace_all(n, 'a', 'A'), items)", pods)).toEqual(['b', 'A', 'c']);
    expect(kyvernoSearch('sort_by(items, &k)[].n', pods)).toEqual(['a', 'b', 'c']);
    expect(kyvernoSearch('sort_by(items, &to_upper(n))[].n', pods)).toEqual(['a', 'b', 'c']);
    expect(kyvernoSearch('min_by(items, &k).n', pods)).toBe('a');
    expect(kyvernoSearch('max_by(items, &n).n', pods)).toBe('c');
  });
  it('a missing key inside &expr reads as null (jpfMap absorbs NotFoundError); wrong types are errors', () => {
    expect(kyvernoSearch('map(&m.x, items)', pods)).toEqual(['X', null, null]);
    expect(() => kyvernoSearch('map(&n, n)', { n: 'x' })).toThrow(/map/);
    expect(() => kyvernoSearch('sort_by(items, &m)', pods)).toThrow(/sort_by/);
  });
  it('lookup reads own keys only', () => {
    expect(kyvernoSearch("lookup(a, 'constructor')", { a: {} })).toBeNull();
    expect(kyvernoSearch("lookup(a, 'k')", { a: { k: 'v' } })).toBe('v');
  });
});
