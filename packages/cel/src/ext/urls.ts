import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' URL library (k8s.io/apiserver/pkg/cel/library/urls.go). A string is a URL when Go's
// url.ParseRequestURI accepts it (an absolute URI or an absolute path); its parts are then read the way
// url.Parse splits them. The parser below follows net/url's rules for what these accessors expose.
const LIB = 'Kubernetes URL library';

export class KubeURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    /** The path as written (still escaped). */
    readonly rawPath: string,
    readonly rawQuery: string,
  ) {}
}

const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
const UNRESERVED = /[A-Za-z0-9\-_.~]/;

/** net/url shouldEscape(c, encodePath). */
function shouldEscapeInPath(c: string): boolean {
  if (UNRESERVED.test(c)) return false;
  return !'$&+,/:;=@'.includes(c);
}

function unescape(s: string, plusIsSpace: boolean): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '%') {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+' && plusIsSpace) bytes.push(0x20);
    else bytes.push(...new TextEncoder().encode(c));
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function escapePath(p: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(p)) {
    const c = String.fromCharCode(b);
    out += b < 0x80 && !shouldEscapeInPath(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** net/url validEncoded(s, encodePath): sub-delims may stay unescaped in a raw path. */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (shouldEscapeInPath(c)) return false;
  }
  return true;
}

function validHost(host: string): string | undefined {
  let h = host;
  if (h.startsWith('[')) {
    const close = h.indexOf(']');
    if (close < 0) return "missing ']' in host";
    const port = h.slice(close + 1);
    if (port !== '' && !/^:\d*$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
    return undefined;
  }
  const colon = h.lastIndexOf(':');
  if (colon >= 0) {
    const port = h.slice(colon);
    if (!/^:\d*$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
    h = h.slice(0, colon);
  }
  for (const c of h) if (c === ' ' || '<>"{}|\\^`'.includes(c)) return `invalid character ${JSON.stringify(c)} in host name`;
  return undefined;
}

/** url.ParseRequestURI then url.Parse: an error message, or the URL. */
export function parseURL(raw: string): KubeURL | string {
  const fail = (why: string): string => `URL parse error during conversion from string: parse ${JSON.stringify(raw)}: ${why}`;
  if (/[\x00-\x1f\x7f]/.test(raw)) return fail('net/url: invalid control character in URL');
  if (raw === '') return fail('empty url');
  let rest = raw;
  let scheme = '';
  const m = SCHEME.exec(rest);
  if (m) {
    scheme = (m[1] as string).toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (/^[0-9+.-][^/?#]*:/.test(rest) && !rest.startsWith('/')) return fail('missing protocol scheme');
  // ParseRequestURI keeps `#` as part of the path or query; url.Parse splits it off. Accessors use the latter.
  const hash = rest.indexOf('#');
  const requestRest = rest;
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const rawQuery = q >= 0 ? rest.slice(q + 1) : '';
  rest = q >= 0 ? rest.slice(0, q) : rest;
  const requestPath = requestRest.split('?')[0] ?? '';
  if (!requestPath.startsWith('/')) {
    // Only an absolute URI (with scheme) or an absolute path is a request URI; opaque `scheme:x` is accepted.
    if (scheme === '') return fail('invalid URI for request');
    return new KubeURL(scheme, '', '', rawQuery);
  }
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const authEnd = rest.indexOf('/', 2);
    const authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
    rest = authEnd < 0 ? '' : rest.slice(authEnd);
    host = authority.slice(authority.lastIndexOf('@') + 1);
    const bad = validHost(host);
    if (bad) return fail(bad);
  }
  if (unescape(rest, false) === undefined)
    return fail(`invalid URL escape ${JSON.stringify(rest.slice(rest.search(/%(?![0-9a-fA-F]{2})/), rest.search(/%(?![0-9a-fA-F]{2})/) + 3))}`);
  return new KubeURL(scheme, host, rest, rawQuery);
}

function url(raw: string): KubeURL {
  const r = parseURL(raw);
  return typeof r === 'string' ? celRuntimeError(r) : r;
}

function hostname(u: KubeURL): string {
  if (u.host.startsWith('[')) return u.host.slice(1, u.host.indexOf(']'));
  const colon = u.host.lastIndexOf(':');
  return colon < 0 ? u.host : u.host.slice(0, colon);
}

function port(u: KubeURL): string {
  const h = u.host.startsWith('[') ? u.host.slice(u.host.indexOf(']') + 1) : u.host;
  const colon = h.lastIndexOf(':');
  return colon < 0 ? '' : h.slice(colon + 1);
}

/** net/url URL.EscapedPath: the path as written when that is a valid encoding, else re-escaped. */
function escapedPath(u: KubeURL): string {
  const path = unescape(u.rawPath, false) ?? '';
  if (escapePath(path) === u.rawPath) return u.rawPath;
  if (validEncodedPath(u.rawPath)) return u.rawPath;
  return escapePath(path);
}

/** net/url ParseQuery, ignoring malformed pairs (and `;`, which Go refuses) as URL.Query does. */
function query(u: KubeURL): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pair of u.rawQuery.split('&')) {
    if (pair === '' || pair.includes(';')) continue;
    const eq = pair.indexOf('=');
    const k = unescape(eq < 0 ? pair : pair.slice(0, eq), true);
    const v = unescape(eq < 0 ? '' : pair.slice(eq + 1), true);
    if (k === undefined || v === undefined) continue;
    out.set(k, [...(out.get(k) ?? []), v]);
  }
  return out;
}

const T_URL = 'kubernetes.URL';

export const urlsExtension: CelExtension = {
  name: 'urls',
  types: [{ name: T_URL, ctor: KubeURL }],
  functions: [
    { signature: `url(string): ${T_URL}`, handler: url, library: LIB },
    { signature: 'isURL(string): bool', handler: (s: string) => typeof parseURL(s) !== 'string', library: LIB },
    { signature: `${T_URL}.getScheme(): string`, handler: (u: KubeURL) => u.scheme, library: LIB },
    { signature: `${T_URL}.getHost(): string`, handler: (u: KubeURL) => u.host, library: LIB },
    { signature: `${T_URL}.getHostname(): string`, handler: hostname, library: LIB },
    { signature: `${T_URL}.getPort(): string`, handler: port, library: LIB },
    { signature: `${T_URL}.getEscapedPath(): string`, handler: escapedPath, library: LIB },
    { signature: `${T_URL}.getQuery(): map<string, list<string>>`, handler: query, library: LIB },
  ],
  operators: [
    {
      signature: `${T_URL} == ${T_URL}`,
      handler: (a: KubeURL, b: KubeURL) => a.scheme === b.scheme && a.host === b.host && a.rawPath === b.rawPath && a.rawQuery === b.rawQuery,
    },
  ],
};
