// Which addresses a webhook may reach. A webhook URL is chosen by whoever can change alert
// settings, and the delivery status reports what answered, so without this check the server is
// a port scanner for its own network and a reader of cloud metadata (169.254.169.254). Addresses
// are compared as numbers, so every spelling of one address is the same address: "2130706433",
// "0x7f.1" and "127.1" are normalised to 127.0.0.1 by URL parsing, and the IPv6 forms that carry
// an IPv4 address (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4
// 2002::/16) are judged by the IPv4 address inside them.

export type IpVersion = 4 | 6;

export interface IpAddress {
  version: IpVersion;
  value: bigint;
}

export interface IpNetwork {
  version: IpVersion;
  base: bigint;
  prefix: number;
}

const BITS: Record<IpVersion, number> = { 4: 32, 6: 128 };

/** Parses a dotted-quad IPv4 or an IPv6 address (brackets and a %zone allowed); null otherwise. */
export function parseIp(text: string): IpAddress | null {
  const s = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const v4 = parseIpv4(s);
  if (v4 !== null) return { version: 4, value: v4 };
  const v6 = parseIpv6(s);
  return v6 === null ? null : { version: 6, value: v6 };
}

function parseIpv4(s: string): bigint | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseIpv6(s: string): bigint | null {
  if (!/^[0-9a-f:.]+$/i.test(s) || s.split('::').length > 2) return null;
  let text = s;
  // A trailing dotted quad stands for the last two groups.
  const quad = /(^|:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const v4 = parseIpv4(quad[2]);
    if (v4 === null) return null;
    text = `${text.slice(0, text.length - quad[2].length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const missing = 8 - h.length - t.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...h, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...t];
  let value = 0n;
  for (const g of all) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    value = (value << 16n) | BigInt(`0x${g}`);
  }
  return value;
}

/** "10.0.0.0/8", "fd00::/8", or a single address (a /32 or /128). */
export function parseNetwork(text: string): IpNetwork | null {
  const [addr, bits, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const ip = parseIp(addr);
  if (!ip) return null;
  const max = BITS[ip.version];
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!(prefix >= 0 && prefix <= max)) return null;
  return { version: ip.version, base: ip.value & mask(ip.version, prefix), prefix };
}

function mask(version: IpVersion, prefix: number): bigint {
  const max = BITS[version];
  return prefix === 0 ? 0n : ((1n << BigInt(max)) - 1n) ^ ((1n << BigInt(max - prefix)) - 1n);
}

export function inNetwork(ip: IpAddress, net: IpNetwork): boolean {
  return ip.version === net.version && (ip.value & mask(net.version, net.prefix)) === net.base;
}

function net(text: string): IpNetwork {
  return parseNetwork(text)!;
}

// Special-purpose ranges (IANA registries), each with the reason a delivery names.
const SPECIAL: [IpNetwork, string][] = [
  [net('0.0.0.0/8'), '"this network"'],
  [net('10.0.0.0/8'), 'private'],
  [net('100.64.0.0/10'), 'shared (carrier-grade NAT; cloud metadata on some providers)'],
  [net('127.0.0.0/8'), 'loopback'],
  [net('169.254.0.0/16'), 'link-local (cloud metadata)'],
  [net('172.16.0.0/12'), 'private'],
  [net('192.0.0.0/24'), 'IETF protocol assignments'],
  [net('192.0.2.0/24'), 'documentation'],
  [net('192.168.0.0/16'), 'private'],
  [net('198.18.0.0/15'), 'benchmarking'],
  [net('198.51.100.0/24'), 'documentation'],
  [net('203.0.113.0/24'), 'documentation'],
  [net('224.0.0.0/4'), 'multicast'],
  [net('240.0.0.0/4'), 'reserved'],
  [net('::/128'), 'unspecified'],
  [net('::1/128'), 'loopback'],
  [net('100::/64'), 'discard-only'],
  [net('2001:db8::/32'), 'documentation'],
  [net('fc00::/7'), 'private (unique local; cloud metadata on some providers)'],
  [net('fe80::/10'), 'link-local'],
  [net('fec0::/10'), 'site-local'],
  [net('ff00::/8'), 'multicast'],
];

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(ip: IpAddress): IpAddress | null {
  if (ip.version !== 6) return null;
  const v = ip.value;
  const low32 = v & 0xffffffffn;
  if (v >> 32n === 0xffffn || (v >> 32n === 0n && low32 > 1n)) return { version: 4, value: low32 }; // ::ffff:a.b.c.d, ::a.b.c.d
  if (v >> 32n === 0x0064ff9b0000000000000000n) return { version: 4, value: low32 }; // 64:ff9b::a.b.c.d
  if (v >> 112n === 0x2002n) return { version: 4, value: (v >> 80n) & 0xffffffffn }; // 2002:aabb:ccdd::
  return null;
}

/** Why an address is not on the public internet, or null when it is. */
export function specialUse(ip: IpAddress): string | null {
  const inner = embeddedIpv4(ip);
  if (inner) return specialUse(inner);
  for (const [range, reason] of SPECIAL) if (inNetwork(ip, range)) return reason;
  return null;
}
