// Webhook requests that cannot reach the server's own network. The target is resolved when each
// delivery is sent (not when the webhook was added: a name can be re-pointed at any time), and
// the addresses checked are the ones the connection uses, so a name that resolves to a public
// address when checked and to 127.0.0.1 when connecting cannot slip through. Loopback, private,
// link-local (cloud metadata) and other special-use ranges are refused unless the operator lists
// them in LRSCOPE_WEBHOOK_ALLOWED_TARGETS (addresses, CIDR ranges or host names).
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { type IpNetwork, inNetwork, parseIp, parseNetwork, specialUse } from '@/lib/net/ip-address';

export interface WebhookTargetPolicy {
  networks: IpNetwork[];
  /** Host names (lower case) whose addresses are all allowed. */
  hosts: Set<string>;
}

/** What deliveries call; the global fetch fits it too (tests inject it). */
export type WebhookFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal; redirect: 'manual' },
) => Promise<{ status: number; arrayBuffer(): Promise<ArrayBuffer> }>;

export function webhookTargetPolicy(entries: string[]): WebhookTargetPolicy {
  const policy: WebhookTargetPolicy = { networks: [], hosts: new Set() };
  for (const e of entries.map((x) => x.trim()).filter(Boolean)) {
    const net = parseNetwork(e);
    if (net) policy.networks.push(net);
    else policy.hosts.add(e.toLowerCase());
  }
  return policy;
}

/** Why the address may not be reached, or null when it may. */
export function refusal(policy: WebhookTargetPolicy, address: string): string | null {
  const ip = parseIp(address);
  if (!ip) return `${address} is not an IP address`;
  const reason = specialUse(ip);
  if (!reason || policy.networks.some((n) => inNetwork(ip, n))) return null;
  return `refused: ${address} is a ${reason} address (allow it with LRSCOPE_WEBHOOK_ALLOWED_TARGETS)`;
}

export class WebhookRefusedError extends Error {
  override name = 'WebhookRefusedError';
}

function guardedLookup(policy: WebhookTargetPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const allowed = addresses.filter((a) => refusal(policy, a.address) === null);
      if (allowed.length === 0) {
        const first = addresses[0];
        return callback(new WebhookRefusedError(first ? `${hostname}: ${refusal(policy, first.address)}` : `${hostname}: no address`), '', 0);
      }
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
      if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };
}

export function guardedFetch(policy: WebhookTargetPolicy): WebhookFetch {
  const lookup = guardedLookup(policy);
  return (url, init) =>
    new Promise((resolve, reject) => {
      const target = new URL(url);
      const host = target.hostname.toLowerCase();
      // An IP literal skips DNS, so it is checked here; URL parsing has already turned every
      // IPv4 spelling (2130706433, 0x7f.1, 127.1) into its dotted form.
      if (!policy.hosts.has(host) && parseIp(host)) {
        const why = refusal(policy, host.replace(/^\[|\]$/g, ''));
        if (why) return reject(new WebhookRefusedError(why));
      }
      const request = target.protocol === 'https:' ? https.request : http.request;
      // A fresh connection each time (agent: false): a pooled socket would skip the lookup check.
      const req = request(target, { method: init.method, headers: init.headers, lookup: policy.hosts.has(host) ? undefined : lookup, signal: init.signal, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          // Only the status matters; a receiver streaming a huge reply is cut short.
          size += c.length;
          if (size <= 64 * 1024) chunks.push(c);
          else res.destroy();
        });
        res.on('error', () => {});
        const body = new Promise<ArrayBuffer>((r) => res.once('close', () => r(new Uint8Array(Buffer.concat(chunks)).buffer)));
        resolve({ status: res.statusCode ?? 0, arrayBuffer: () => body });
      });
      req.on('error', (err) => reject(init.signal.aborted ? init.signal.reason : err));
      req.end(init.body);
    });
}
