import { Optional } from '@marcbachmann/cel-js';
import { celToDisplay } from '../values.js';
import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// The library already provides lowerAscii, upperAscii, trim, split, join, indexOf, lastIndexOf and substring;
// this adds the rest of cel-go's `ext.Strings` that Kubernetes enables (k8s.io/apiserver/pkg/cel/environment).
const LIB = 'cel-go ext.Strings (Kubernetes)';

function codePoints(s: string): string[] {
  return [...s];
}

function charAt(s: string, index: bigint): string {
  const cps = codePoints(s);
  if (index < 0n || index > BigInt(cps.length)) celRuntimeError(`index out of range: ${index}`);
  return cps[Number(index)] ?? '';
}

function replaceN(s: string, from: string, to: string, n: bigint): string {
  if (n < 0n) return s.split(from).join(to);
  let out = s;
  let start = 0;
  for (let i = 0n; i < n; i++) {
    const at = out.indexOf(from, start);
    if (at < 0) break;
    out = out.slice(0, at) + to + out.slice(at + from.length);
    // An empty `from` matches between every character, as Go's strings.Replace does.
    start = at + to.length + (from === '' ? 1 : 0);
    if (from === '' && start > out.length) break;
  }
  return out;
}

/** Go-style quoting as cel-go's `strings.quote`: C escapes for control characters, \\xNN for the others. */
const QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '\\': '\\\\',
  '"': '\\"',
};
function quote(s: string): string {
  const body = s.replace(/[\x00-\x1f\x7f"\\]/g, (c) => QUOTE_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `"${body}"`;
}

/** `%s` of a value, as cel-go's formatter prints it: nested strings unquoted, map entries sorted by key. */
function formatString(v: unknown): string {
  if (typeof v === 'number') return formatDouble(v, undefined);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Date) return v.toISOString().replace(/\.000Z$/, 'Z');
  if (Array.isArray(v)) return `[${v.map(formatString).join(', ')}]`;
  if (v !== null && typeof v === 'object' && !(v instanceof Optional)) {
    const special = specialString(v);
    if (special !== undefined) return special;
    const entries = (v instanceof Map ? [...v.entries()] : Object.entries(v)).map(([k, x]) => [formatString(k), formatString(x)] as const);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${k}: ${x}`).join(', ')}}`;
  }
  return celToDisplay(v);
}

/** Library values that are objects but not maps: durations (`6347s`), types (`string`), uints. */
function specialString(v: object): string | undefined {
  const name = v.constructor?.name;
  if (name === 'Duration') {
    const d = v as { seconds: bigint; nanos: number };
    const frac = d.nanos === 0 ? '' : `.${String(Math.abs(d.nanos)).padStart(9, '0').replace(/0+$/, '')}`;
    return `${d.seconds}${frac}s`;
  }
  if (name === 'Type') return String((v as { name: unknown }).name);
  if (name === 'UnsignedInt') return String(v.valueOf());
  return undefined;
}

function formatDouble(v: number, precision: number | undefined): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return precision === undefined ? String(v) : v.toFixed(precision);
}

function formatExponent(v: number, precision: number): string {
  if (!Number.isFinite(v)) return formatDouble(v, precision);
  // Go prints at least two exponent digits (1.000000e+03); JavaScript prints one.
  return v.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function integerArg(v: unknown, verb: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'object' && v !== null && 'value' in v && typeof (v as { value: unknown }).value === 'bigint') {
    return (v as { value: bigint }).value;
  }
  return celRuntimeError(`error during formatting: ${verb} clause can only be used on integers, was given ${typeName(v)}`);
}

function typeName(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v === null) return 'null_type';
  if (Array.isArray(v)) return 'list';
  return 'map';
}

function radix(v: unknown, base: number, verb: string, upper = false): string {
  if (typeof v === 'string' && base === 16) {
    const hex = Buffer.from(v, 'utf8').toString('hex');
    return upper ? hex.toUpperCase() : hex;
  }
  if (v instanceof Uint8Array && base === 16) {
    const hex = Buffer.from(v).toString('hex');
    return upper ? hex.toUpperCase() : hex;
  }
  if (typeof v === 'boolean' && base === 2) return v ? '1' : '0';
  const n = integerArg(v, verb);
  const s = (n < 0n ? '-' : '') + (n < 0n ? -n : n).toString(base);
  return upper ? s.toUpperCase() : s;
}

/** `'%s has %d'.format([a, b])`: the verbs cel-go's string formatter supports. */
export function celFormat(template: string, args: readonly unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch !== '%') {
      out += ch;
      continue;
    }
    i++;
    if (template[i] === '%') {
      out += '%';
      continue;
    }
    let precision: number | undefined;
    if (template[i] === '.') {
      const m = /^\.(\d+)/.exec(template.slice(i));
      if (!m?.[1]) celRuntimeError(`could not parse formatting clause: precision must be a number at ${i}`);
      precision = Number(m[1]);
      i += m[0].length;
    }
    const verb = template[i];
    if (verb === undefined) celRuntimeError('could not parse formatting clause: unterminated clause at end of string');
    if (next >= args.length) celRuntimeError(`index ${next} out of range`);
    const arg = args[next++];
    switch (verb) {
      case 's':
        out += formatString(arg);
        break;
      case 'd':
        // cel-go prints NaN and ±Infinity for %d rather than failing.
        out += typeof arg === 'number' && !Number.isFinite(arg) ? formatDouble(arg, undefined) : integerArg(arg, 'decimal').toString();
        break;
      case 'f': {
        if (typeof arg !== 'number' && typeof arg !== 'bigint') {
          celRuntimeError(`error during formatting: fixed-point clause can only be used on doubles, was given ${typeName(arg)}`);
        }
        out += formatDouble(Number(arg), precision ?? 6);
        break;
      }
      case 'e': {
        if (typeof arg !== 'number' && typeof arg !== 'bigint') {
          celRuntimeError(`error during formatting: scientific clause can only be used on doubles, was given ${typeName(arg)}`);
        }
        out += formatExponent(Number(arg), precision ?? 6);
        break;
      }
      case 'b':
        out += radix(arg, 2, 'binary');
        break;
      case 'o':
        out += radix(arg, 8, 'octal');
        break;
      case 'x':
        out += radix(arg, 16, 'hex');
        break;
      case 'X':
        out += radix(arg, 16, 'hex', true);
        break;
      default:
        celRuntimeError(`could not parse formatting clause: unrecognized formatting clause "${verb}"`);
    }
  }
  return out;
}

export const stringsExtension: CelExtension = {
  name: 'strings',
  namespaces: [{ name: 'strings', typeName: 'StringsNamespace' }],
  functions: [
    { signature: 'string.charAt(int): string', handler: charAt, library: LIB },
    {
      signature: 'string.replace(string, string): string',
      handler: (s: string, from: string, to: string) => replaceN(s, from, to, -1n),
      library: LIB,
    },
    { signature: 'string.replace(string, string, int): string', handler: replaceN, library: LIB },
    { signature: 'string.format(list): string', handler: celFormat, library: LIB },
    { signature: 'string.reverse(): string', handler: (s: string) => codePoints(s).reverse().join(''), library: LIB },
    { signature: 'StringsNamespace.quote(string): string', handler: (_ns: unknown, s: string) => quote(s), library: LIB },
  ],
};
