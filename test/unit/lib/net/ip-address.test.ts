import { describe, expect, it } from 'vitest';
import { embeddedIpv4, inNetwork, parseIp, parseNetwork, specialUse } from '@/lib/net/ip-address';

const use = (text: string) => {
  const ip = parseIp(text);
  if (!ip) throw new Error(`not an address: ${text}`);
  return specialUse(ip);
};
// What URL parsing makes of a host, as the webhook sender sees it.
const hostOf = (url: string) => new URL(url).hostname;

describe('parseIp', () => {
  it('reads dotted quads and every IPv6 form, and nothing else', () => {
    expect(parseIp('127.0.0.1')).toEqual({ version: 4, value: 0x7f000001n });
    expect(parseIp('::1')).toEqual({ version: 6, value: 1n });
    expect(parseIp('[::1]')).toEqual({ version: 6, value: 1n });
    expect(parseIp('fe80::1%eth0')).toEqual({ version: 6, value: (0xfe80n << 112n) | 1n });
    expect(parseIp('::ffff:127.0.0.1')).toEqual(parseIp('::ffff:7f00:1'));
    expect(parseIp('1:2:3:4:5:6:7:8')?.value).toBe(0x00010002000300040005000600070008n);
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1::2::3', '1:2:3:4:5:6:7:8:9', '12345::', 'example.com', ':::', '1:2:3:4:5:6:7::8:9']) expect(parseIp(bad), bad).toBeNull();
  });
});

describe('specialUse', () => {
  it('refuses loopback, private, link-local and metadata addresses, in every spelling', () => {
    expect(use('127.0.0.1')).toBe('loopback');
    expect(use(hostOf('http://2130706433/'))).toBe('loopback');
    expect(use(hostOf('http://0x7f.1/'))).toBe('loopback');
    expect(use(hostOf('http://127.1/'))).toBe('loopback');
    expect(use(hostOf('http://017700000001/'))).toBe('loopback');
    expect(use(hostOf('http://[::ffff:127.0.0.1]/'))).toBe('loopback');
    expect(use(hostOf('http://[::ffff:7f00:1]/'))).toBe('loopback');
    expect(use('::127.0.0.1')).toBe('loopback');
    expect(use('::1')).toBe('loopback');
    expect(use('0.0.0.0')).toBe('"this network"');
    expect(use('::')).toBe('unspecified');
    expect(use('169.254.169.254')).toMatch(/link-local/);
    expect(use(hostOf('http://[::ffff:169.254.169.254]/'))).toMatch(/link-local/);
    expect(use('64:ff9b::a9fe:a9fe')).toMatch(/link-local/); // NAT64 of 169.254.169.254
    expect(use('2002:7f00:1::')).toBe('loopback'); // 6to4 of 127.0.0.1
    expect(use('fd00:ec2::254')).toMatch(/unique local/); // AWS metadata over IPv6
    expect(use('100.100.100.200')).toMatch(/shared/); // Alibaba metadata
    for (const a of ['10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1']) expect(use(a), a).toBe('private');
    expect(use('fe80::1')).toBe('link-local');
    expect(use('224.0.0.1')).toBe('multicast');
    expect(use('255.255.255.255')).toBe('reserved');
  });

  it('lets public addresses through, including neighbours of the refused ranges', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '192.167.255.255', '169.253.255.255', '100.63.255.255', '11.0.0.0', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '2002:808:808::']) {
      expect(use(a), a).toBeNull();
    }
  });

  it('finds the IPv4 address inside mapped, compatible, NAT64 and 6to4 addresses only', () => {
    expect(embeddedIpv4(parseIp('::ffff:1.2.3.4')!)).toEqual(parseIp('1.2.3.4'));
    expect(embeddedIpv4(parseIp('64:ff9b::1.2.3.4')!)).toEqual(parseIp('1.2.3.4'));
    expect(embeddedIpv4(parseIp('2002:102:304::1')!)).toEqual(parseIp('1.2.3.4'));
    expect(embeddedIpv4(parseIp('2606:4700::1')!)).toBeNull();
    expect(embeddedIpv4(parseIp('::1')!)).toBeNull();
    expect(embeddedIpv4(parseIp('1.2.3.4')!)).toBeNull();
  });
});

describe('networks', () => {
  it('parses CIDR ranges and single addresses, and tests membership by version', () => {
    const ten = parseNetwork('10.0.0.0/8')!;
    expect(inNetwork(parseIp('10.255.0.1')!, ten)).toBe(true);
    expect(inNetwork(parseIp('11.0.0.1')!, ten)).toBe(false);
    expect(inNetwork(parseIp('::ffff:10.0.0.1')!, ten), 'an IPv6 address is not in an IPv4 range').toBe(false);
    expect(inNetwork(parseIp('127.0.0.1')!, parseNetwork('127.0.0.1')!)).toBe(true);
    expect(inNetwork(parseIp('127.0.0.2')!, parseNetwork('127.0.0.1')!)).toBe(false);
    expect(inNetwork(parseIp('fd12::1')!, parseNetwork('fd00::/8')!)).toBe(true);
    expect(parseNetwork('10.1.2.3/8')).toEqual(ten); // host bits dropped
    expect(inNetwork(parseIp('8.8.8.8')!, parseNetwork('0.0.0.0/0')!)).toBe(true);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/x', '10.0.0.0/8/1', 'example.com/8', '']) expect(parseNetwork(bad), bad).toBeNull();
  });
});
