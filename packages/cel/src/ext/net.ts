import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' IP and CIDR libraries (k8s.io/apiserver/pkg/cel/library/{ip,cidr}.go) over Go's net/netip
// semantics: no leading zeros in IPv4 octets, no zones, IPv4-mapped IPv6 addresses rejected, canonical
// RFC 5952 text. Addresses are kept as a BigInt of 32 or 128 bits.
const IP_LIB = 'Kubernetes IP library';
const CIDR_LIB = 'Kubernetes CIDR library';

export class IPAddr {
  constructor(
    readonly family: 4 | 6,
    readonly value: bigint,
  ) {}
  get bits(): number {
    return this.family === 4 ? 32 : 128;
  }
  toString(): string {
    return this.family === 4 ? v4String(this.value) : v6String(this.value);
  }
}

export class CIDRPrefix {
  constructor(
    readonly addr: IPAddr,
    readonly prefix: number,
  ) {}
  toString(): string {
    return `${this.addr}/${this.prefix}`;
  }
}

const V4_OCTET = /^(0|[1-9]\d{0,2})$/;

function parseV4(s: string): bigint | string {
  const parts = s.split('.');
  if (parts.length !== 4) return 'IPv4 address too short or too long';
  let v = 0n;
  for (const p of parts) {
    if (!V4_OCTET.test(p)) return /^0\d/.test(p) ? 'IPv4 field has octet with leading zero' : 'unexpected character';
    const n = Number(p);
    if (n > 255) return 'IPv4 field has value >255';
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(s: string): bigint | string {
  let text = s;
  // A trailing dotted IPv4 part stands for the last two groups.
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (typeof v4 === 'string') return v4;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return 'multiple :: in address';
  const group = (g: string): bigint | undefined => (/^[0-9a-fA-F]{1,4}$/.test(g) ? BigInt(`0x${g}`) : undefined);
  const side = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const gs = h.split(':').map(group);
    return gs.every((g) => g !== undefined) ? (gs as bigint[]) : undefined;
  };
  const head = side(halves[0] ?? '');
  const rest = halves.length === 2 ? side(halves[1] ?? '') : [];
  if (!head || !rest) return 'unexpected character or empty group';
  const given = head.length + rest.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (given > 7) return 'address string too long';
    groups = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest];
  } else {
    if (given !== 8) return 'address string too short or too long';
    groups = head;
  }
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

const V4_IN_V6_PREFIX = 0xffffn << 32n;

/** Go's netip.ParseAddr plus Kubernetes' refusal of zones and IPv4-mapped IPv6 addresses. */
export function parseIP(raw: string): IPAddr | string {
  if (raw.includes('%')) {
    return parseIPNoZone(raw.slice(0, raw.indexOf('%'))) instanceof IPAddr && raw.includes(':')
      ? `IP address ${JSON.stringify(raw)} with zone value is not allowed`
      : `IP Address ${JSON.stringify(raw)} parse error during conversion from string: ParseAddr(${JSON.stringify(raw)}): unexpected character`;
  }
  const ip = parseIPNoZone(raw);
  if (typeof ip === 'string') return `IP Address ${JSON.stringify(raw)} parse error during conversion from string: ParseAddr(${JSON.stringify(raw)}): ${ip}`;
  if (ip.family === 6 && ip.value >> 32n === V4_IN_V6_PREFIX >> 32n) return `IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return ip;
}

function parseIPNoZone(s: string): IPAddr | string {
  if (s === '') return 'unable to parse IP';
  if (s.includes(':')) {
    const v = parseV6(s);
    return typeof v === 'string' ? v : new IPAddr(6, v);
  }
  const v = parseV4(s);
  return typeof v === 'string' ? v : new IPAddr(4, v);
}

function v4String(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
}

/** RFC 5952 as Go prints it: lowercase, the first longest run of two or more zero groups becomes `::`. */
function v6String(v: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (best < 0) return hex(groups);
  return `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

function ip(raw: string): IPAddr {
  const r = parseIP(raw);
  return typeof r === 'string' ? celRuntimeError(r) : r;
}

function top(a: IPAddr, n: number): bigint {
  return a.value >> BigInt(a.bits - n);
}

const isLoopback = (a: IPAddr): boolean => (a.family === 4 ? top(a, 8) === 127n : a.value === 1n);
const isMulticast = (a: IPAddr): boolean => (a.family === 4 ? top(a, 4) === 0xen : top(a, 8) === 0xffn);
const isLinkLocalUnicast = (a: IPAddr): boolean => (a.family === 4 ? top(a, 16) === 0xa9fen : top(a, 10) === 0x3fan);
// Go netip: IPv4 224.0.0.0/24; IPv6 ff02::/16 with any flags nibble (ffx2::/16).
const isLinkLocalMulticast = (a: IPAddr): boolean => (a.family === 4 ? top(a, 24) === 0xe00000n : (top(a, 16) & 0xff0fn) === 0xff02n);
const isUnspecified = (a: IPAddr): boolean => a.value === 0n;
const isGlobalUnicast = (a: IPAddr): boolean =>
  !(a.family === 4 && a.value === 0xffffffffn) && !isUnspecified(a) && !isLoopback(a) && !isMulticast(a) && !isLinkLocalUnicast(a);

function isCanonical(raw: string): boolean {
  return ip(raw).toString() === raw;
}

/** Go's netip.ParsePrefix (no zone, bits without leading zeros) plus Kubernetes' IPv4-mapped refusal. */
export function parseCIDR(raw: string): CIDRPrefix | string {
  const fail = (why: string): string =>
    `network address parse error during conversion from string: network address parse error during conversion from string: netip.ParsePrefix(${JSON.stringify(raw)}): ${why}`;
  const slash = raw.lastIndexOf('/');
  if (slash < 0) return fail("no '/'");
  const addrText = raw.slice(0, slash);
  const bitsText = raw.slice(slash + 1);
  if (addrText.includes('%')) return fail('IPv6 zones cannot be present in a prefix');
  const addr = parseIPNoZone(addrText);
  if (typeof addr === 'string') return fail(`ParseAddr(${JSON.stringify(addrText)}): ${addr}`);
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText) || Number(bitsText) > addr.bits) return fail(`bad bits after slash: ${JSON.stringify(bitsText)}`);
  if (addr.family === 6 && addr.value >> 32n === V4_IN_V6_PREFIX >> 32n)
    return `network address parse error during conversion from string: IPv4-mapped IPv6 address ${JSON.stringify(raw)} is not allowed`;
  return new CIDRPrefix(addr, Number(bitsText));
}

function cidr(raw: string): CIDRPrefix {
  const r = parseCIDR(raw);
  return typeof r === 'string' ? celRuntimeError(r) : r;
}

function maskOf(c: CIDRPrefix): bigint {
  const host = BigInt(c.addr.bits - c.prefix);
  return ((1n << BigInt(c.addr.bits)) - 1n) ^ ((1n << host) - 1n);
}

const masked = (c: CIDRPrefix): CIDRPrefix => new CIDRPrefix(new IPAddr(c.addr.family, c.addr.value & maskOf(c)), c.prefix);

function containsIP(c: CIDRPrefix, a: IPAddr): boolean {
  return c.addr.family === a.family && (a.value & maskOf(c)) === (c.addr.value & maskOf(c));
}

/** As documented: `other` lies inside `c` when it is at least as long a prefix and its network is in `c`. */
function containsCIDR(c: CIDRPrefix, other: CIDRPrefix): boolean {
  return other.prefix >= c.prefix && containsIP(c, other.addr);
}

const sameIP = (a: IPAddr, b: IPAddr): boolean => a.family === b.family && a.value === b.value;
const sameCIDR = (a: CIDRPrefix, b: CIDRPrefix): boolean => sameIP(a.addr, b.addr) && a.prefix === b.prefix;

const T_IP = 'net.IP';
const T_CIDR = 'net.CIDR';

export const netExtension: CelExtension = {
  name: 'net',
  namespaces: [{ name: 'ip', typeName: 'IpNamespace' }],
  types: [
    { name: T_IP, ctor: IPAddr },
    { name: T_CIDR, ctor: CIDRPrefix },
  ],
  functions: [
    { signature: `ip(string): ${T_IP}`, handler: ip, library: IP_LIB },
    { signature: 'isIP(string): bool', handler: (s: string) => typeof parseIP(s) !== 'string', library: IP_LIB },
    { signature: 'IpNamespace.isCanonical(string): bool', handler: (_: unknown, s: string) => isCanonical(s), library: IP_LIB },
    { signature: `${T_IP}.family(): int`, handler: (a: IPAddr) => BigInt(a.family), library: IP_LIB },
    { signature: `${T_IP}.isUnspecified(): bool`, handler: isUnspecified, library: IP_LIB },
    { signature: `${T_IP}.isLoopback(): bool`, handler: isLoopback, library: IP_LIB },
    { signature: `${T_IP}.isLinkLocalMulticast(): bool`, handler: isLinkLocalMulticast, library: IP_LIB },
    { signature: `${T_IP}.isLinkLocalUnicast(): bool`, handler: isLinkLocalUnicast, library: IP_LIB },
    { signature: `${T_IP}.isGlobalUnicast(): bool`, handler: isGlobalUnicast, library: IP_LIB },
    { signature: `string(${T_IP}): string`, handler: (a: IPAddr) => a.toString(), library: IP_LIB },
    { signature: `cidr(string): ${T_CIDR}`, handler: cidr, library: CIDR_LIB },
    { signature: 'isCIDR(string): bool', handler: (s: string) => typeof parseCIDR(s) !== 'string', library: CIDR_LIB },
    { signature: `${T_CIDR}.containsIP(${T_IP}): bool`, handler: containsIP, library: CIDR_LIB },
    { signature: `${T_CIDR}.containsIP(string): bool`, handler: (c: CIDRPrefix, s: string) => containsIP(c, ip(s)), library: CIDR_LIB },
    { signature: `${T_CIDR}.containsCIDR(${T_CIDR}): bool`, handler: containsCIDR, library: CIDR_LIB },
    { signature: `${T_CIDR}.containsCIDR(string): bool`, handler: (c: CIDRPrefix, s: string) => containsCIDR(c, cidr(s)), library: CIDR_LIB },
    { signature: `${T_CIDR}.ip(): ${T_IP}`, handler: (c: CIDRPrefix) => c.addr, library: CIDR_LIB },
    { signature: `${T_CIDR}.masked(): ${T_CIDR}`, handler: masked, library: CIDR_LIB },
    { signature: `${T_CIDR}.prefixLength(): int`, handler: (c: CIDRPrefix) => BigInt(c.prefix), library: CIDR_LIB },
    { signature: `string(${T_CIDR}): string`, handler: (c: CIDRPrefix) => c.toString(), library: CIDR_LIB },
  ],
  operators: [
    { signature: `${T_IP} == ${T_IP}`, handler: sameIP },
    { signature: `${T_CIDR} == ${T_CIDR}`, handler: sameCIDR },
  ],
};
