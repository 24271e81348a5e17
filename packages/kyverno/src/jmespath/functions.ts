/**
 * Kyverno's custom JMESPath functions (pkg/engine/jmespath/functions.go), as our own implementations.
 * They live in a private table consulted before the library's built-ins, so nothing is registered in
 * @jmespath-community/jmespath's process-global registry (other engines share that module).
 */
import { X509Certificate, createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parseYamlValue } from '../yaml.js';
import { isObject } from '../json.js';
import { wildcardMatch } from '../wildcard.js';
import { parseImage } from '../images.js';
import { parseSemver, parseSemverRange } from '../semver.js';
import { ArithmeticError, arithmetic, sum, type ArithmeticOp } from './arithmetic.js';

export class KyvernoFunctionError extends Error {
  constructor(fn: string, message: string) {
    super(`JMESPath function '${fn}': ${message}`);
    this.name = 'KyvernoFunctionError';
  }
}

type Kind = 'string' | 'number' | 'object' | 'array' | 'any' | 'bool';
interface Entry {
  args: Kind[];
  fn: (args: unknown[]) => unknown;
}

const KIND_LABEL: Record<Kind, string> = { string: 'String', number: 'Number', object: 'Object', array: 'Array', any: 'Any', bool: 'Boolean' };

function kindOf(v: unknown): Kind | 'null' {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (isObject(v)) return 'object';
  return 'null';
}

/** Kyverno's ifaceToString: numbers, strings and booleans are accepted where a string is compared. */
function toStringLoose(fn: string, v: unknown, pos: number): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new KyvernoFunctionError(fn, `argument #${pos} is not of type String or Real`);
}

/** Go's filepath.Clean (via filepath.Join on one element) on Linux. */
function goPathClean(p: string): string {
  if (p === '') return '';
  return posix.normalize(p).replace(/(.)\/$/, '$1');
}

function base64urlToDecimal(s: string): string {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return BigInt(`0x${hex || '0'}`).toString(10);
}

/** The parts of Go's JSON-encoded x509.Certificate that policies read (PublicKey.N/E, names, validity). */
function x509Decode(pem: string): unknown {
  const block = /-----BEGIN (CERTIFICATE|CERTIFICATE REQUEST)-----/.exec(pem);
  if (!block) throw new KyvernoFunctionError('x509_decode', 'failed to decode PEM block');
  if (block[1] !== 'CERTIFICATE') {
    throw new KyvernoFunctionError('x509_decode', 'CERTIFICATE REQUEST decoding is not supported by podsec');
  }
  const cert = new X509Certificate(pem);
  const jwk = cert.publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new KyvernoFunctionError('x509_decode', 'certificate should use rsa algorithm');
  return {
    PublicKey: { N: base64urlToDecimal(jwk.n), E: Number(base64urlToDecimal(jwk.e)) },
    SerialNumber: BigInt(`0x${cert.serialNumber}`).toString(10),
    Subject: { CommonName: /CN=([^\n]*)/.exec(cert.subject)?.[1] ?? '' },
    Issuer: { CommonName: /CN=([^\n]*)/.exec(cert.issuer)?.[1] ?? '' },
    NotBefore: new Date(cert.validFrom).toISOString().replace('.000Z', 'Z'),
    NotAfter: new Date(cert.validTo).toISOString().replace('.000Z', 'Z'),
    IsCA: cert.ca,
  };
}

/** add/subtract/…: numbers, Kubernetes quantities and Go durations, as Kyverno combines them (arithmetic.ts). */
function arithmeticEntry(op: ArithmeticOp): Entry {
  return { args: ['any', 'any'], fn: ([a, b]) => guard(op, () => arithmetic(op, a, b)) };
}

function guard(fn: string, run: () => unknown): unknown {
  try {
    return run();
  } catch (e) {
    if (e instanceof ArithmeticError) throw new KyvernoFunctionError(fn, e.message.replace(/^JMESPath function '\w+': /, ''));
    throw e;
  }
}

const TABLE: Record<string, Entry> = {
  to_upper: { args: ['string'], fn: ([s]) => (s as string).toUpperCase() },
  to_lower: { args: ['string'], fn: ([s]) => (s as string).toLowerCase() },
  equal_fold: { args: ['string', 'string'], fn: ([a, b]) => (a as string).toLowerCase() === (b as string).toLowerCase() },
  compare: { args: ['string', 'string'], fn: ([a, b]) => ((a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0) },
  replace: {
    args: ['string', 'string', 'string', 'number'],
    fn: ([s, o, n, c]) => {
      let out = s as string;
      let count = c as number;
      if (count < 0) return out.split(o as string).join(n as string);
      let idx = 0;
      while (count-- > 0) {
        const at = out.indexOf(o as string, idx);
        if (at < 0) break;
        out = out.slice(0, at) + (n as string) + out.slice(at + (o as string).length);
        idx = at + (n as string).length;
      }
      return out;
    },
  },
  replace_all: { args: ['string', 'string', 'string'], fn: ([s, o, n]) => (s as string).split(o as string).join(n as string) },
  trim: {
    args: ['string', 'string'],
    fn: ([s, cut]) => {
      const set = new Set([...(cut as string)]);
      const chars = [...(s as string)];
      let a = 0;
      let b = chars.length;
      while (a < b && set.has(chars[a] as string)) a++;
      while (b > a && set.has(chars[b - 1] as string)) b--;
      return chars.slice(a, b).join('');
    },
  },
  trim_prefix: { args: ['string', 'string'], fn: ([s, p]) => ((s as string).startsWith(p as string) ? (s as string).slice((p as string).length) : s) },
  split: { args: ['string', 'string'], fn: ([s, sep]) => (s as string).split(sep as string) },
  regex_match: { args: ['string', 'any'], fn: ([re, s]) => new RegExp(re as string).test(toStringLoose('regex_match', s, 2)) },
  regex_replace_all: {
    args: ['string', 'any', 'any'],
    fn: ([re, s, r]) =>
      toStringLoose('regex_replace_all', s, 2).replace(
        new RegExp(re as string, 'g'),
        toStringLoose('regex_replace_all', r, 3).replace(/\$\{?(\w+)\}?/g, '$$$1'),
      ),
  },
  regex_replace_all_literal: {
    args: ['string', 'any', 'any'],
    fn: ([re, s, r]) =>
      toStringLoose('regex_replace_all_literal', s, 2).replace(new RegExp(re as string, 'g'), () => toStringLoose('regex_replace_all_literal', r, 3)),
  },
  pattern_match: { args: ['string', 'any'], fn: ([p, s]) => wildcardMatch(p as string, toStringLoose('pattern_match', s, 2)) },
  label_match: {
    args: ['object', 'object'],
    fn: ([sel, labels]) => Object.entries(sel as object).every(([k, v]) => (labels as Record<string, unknown>)[k] === v),
  },
  to_boolean: {
    args: ['string'],
    fn: ([s]) => {
      const l = (s as string).toLowerCase();
      if (l === 'true' || l === 'false') return l === 'true';
      throw new KyvernoFunctionError('to_boolean', `lowercase argument must be 'true' or 'false' (provided: '${s as string}')`);
    },
  },
  add: arithmeticEntry('add'),
  subtract: arithmeticEntry('subtract'),
  multiply: arithmeticEntry('multiply'),
  divide: arithmeticEntry('divide'),
  modulo: arithmeticEntry('modulo'),
  sum: { args: ['array'], fn: ([items]) => guard('sum', () => sum(items as unknown[])) },
  round: {
    args: ['number', 'number'],
    fn: ([n, d]) => {
      const shift = 10 ** (d as number);
      return Math.round((n as number) * shift) / shift;
    },
  },
  base64_decode: {
    args: ['string'],
    fn: ([s]) => {
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s as string) || (s as string).length % 4 !== 0) {
        throw new KyvernoFunctionError('base64_decode', 'illegal base64 data');
      }
      return Buffer.from(s as string, 'base64').toString('utf8');
    },
  },
  base64_encode: { args: ['string'], fn: ([s]) => Buffer.from(s as string, 'utf8').toString('base64') },
  path_canonicalize: { args: ['string'], fn: ([s]) => goPathClean(s as string) },
  truncate: {
    args: ['string', 'number'],
    fn: ([s, n]) => [...(s as string)].slice(0, Math.max(0, Math.trunc(n as number))).join(''),
  },
  parse_json: {
    args: ['string'],
    fn: ([s]) => {
      try {
        return JSON.parse(s as string) as unknown;
      } catch (e) {
        throw new KyvernoFunctionError('parse_json', (e as Error).message);
      }
    },
  },
  parse_yaml: {
    args: ['string'],
    fn: ([s]) => {
      try {
        return parseYamlValue(s as string);
      } catch (e) {
        throw new KyvernoFunctionError('parse_yaml', (e as Error).message);
      }
    },
  },
  lookup: {
    args: ['any', 'any'],
    fn: ([c, k]) => {
      if (isObject(c) && typeof k === 'string') return Object.hasOwn(c, k) ? (c[k] ?? null) : null;
      if (Array.isArray(c) && typeof k === 'number' && Number.isInteger(k)) return k >= 0 && k < c.length ? c[k] : null;
      throw new KyvernoFunctionError('lookup', 'argument #1 is not of type Object or Array');
    },
  },
  // Kyverno replaces JMESPath's items(): items(obj, keyName, valueName) → [{keyName: k, valueName: v}], keys sorted.
  items: {
    args: ['any', 'string', 'string'],
    fn: ([c, kn, vn]) => {
      if (isObject(c))
        return Object.keys(c)
          .sort()
          .map((k) => ({ [kn as string]: k, [vn as string]: c[k] ?? null }));
      if (Array.isArray(c)) return c.map((v, i) => ({ [kn as string]: i, [vn as string]: v }));
      throw new KyvernoFunctionError('items', 'argument #1 is not of type Object or Array');
    },
  },
  object_from_lists: {
    args: ['array', 'array'],
    fn: ([ks, vs]) => Object.fromEntries((ks as unknown[]).map((k, i) => [String(k), (vs as unknown[])[i] ?? null])),
  },
  x509_decode: { args: ['string'], fn: ([s]) => x509Decode(s as string) },
  // An unparsable version compares as 0.0.0, as upstream ignores semver.Parse's error.
  semver_compare: {
    args: ['string', 'string'],
    fn: ([v, r]) => {
      let range;
      try {
        range = parseSemverRange(r as string);
      } catch (e) {
        throw new KyvernoFunctionError('semver_compare', (e as Error).message);
      }
      return range(parseSemver(v as string) ?? { major: 0, minor: 0, patch: 0, pre: [] });
    },
  },
  sha256: {
    args: ['string'],
    fn: ([s]) =>
      createHash('sha256')
        .update(s as string)
        .digest('hex'),
  },
  sha1: {
    args: ['string'],
    fn: ([s]) =>
      createHash('sha1')
        .update(s as string)
        .digest('hex'),
  },
  md5: {
    args: ['string'],
    fn: ([s]) =>
      createHash('md5')
        .update(s as string)
        .digest('hex'),
  },
  image_normalize: {
    args: ['string'],
    fn: ([s]) => {
      const info = parseImage(s as string);
      if (!info) throw new KyvernoFunctionError('image_normalize', `bad image: ${s as string}`);
      return info.reference;
    },
  },
};

export function kyvernoFunction(name: string): ((args: unknown[]) => unknown) | undefined {
  const entry = TABLE[name];
  if (!entry) return undefined;
  return (args) => {
    if (args.length !== entry.args.length) {
      throw new KyvernoFunctionError(name, `expected ${entry.args.length} arguments, received ${args.length}`);
    }
    entry.args.forEach((kind, i) => {
      if (kind !== 'any' && kindOf(args[i]) !== kind) {
        throw new KyvernoFunctionError(name, `argument #${i + 1} is not of type ${KIND_LABEL[kind]}`);
      }
    });
    return entry.fn(args);
  };
}

export const KYVERNO_FUNCTION_NAMES: readonly string[] = Object.keys(TABLE);
