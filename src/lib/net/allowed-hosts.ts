// Which Host names the server answers, against DNS rebinding: a page on attacker.example whose
// name the attacker re-points at 127.0.0.1 becomes, to the browser, same-origin with this server.
// Its requests still carry "Host: attacker.example", and that is what is checked. The names a
// rebinding page cannot use are allowed by default: loopback names (browsers resolve *.localhost
// to loopback themselves), any IP literal (an IP in the address bar is the server itself), the
// machine's own name and LRSCOPE_PUBLIC_URL's host. Everything else is listed by the operator.
import { parseIp } from './ip-address';

export interface HostAllowlist {
  /** Exact names, lower case, no port. */
  names: Set<string>;
  /** "*.example.com" entries, kept as ".example.com". */
  suffixes: string[];
  /** "*": every Host (the operator opted out of the check). */
  any: boolean;
}

/** The host name of a Host header value ("Example.com:3000" → "example.com", "[::1]:3000" → "[::1]"); null when malformed. */
export function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9_.-]+)(?::(\d{1,5}))?$/i.exec(header.trim());
  if (!m) return null;
  return m[1].toLowerCase().replace(/\.$/, '');
}

/** Builds the list from the defaults plus LRSCOPE_ALLOWED_HOSTS-style entries (comma separated). */
export function hostAllowlist(entries: string[]): HostAllowlist {
  const list: HostAllowlist = { names: new Set(['localhost']), suffixes: ['.localhost'], any: false };
  for (const raw of entries) {
    const e = raw.trim().toLowerCase().replace(/:\d+$/, '');
    if (!e) continue;
    if (e === '*') list.any = true;
    else if (e.startsWith('*.')) list.suffixes.push(e.slice(1));
    else list.names.add(e);
  }
  return list;
}

export function hostAllowed(list: HostAllowlist, name: string | null): boolean {
  if (name === null) return false;
  if (list.any || list.names.has(name) || parseIp(name) !== null) return true;
  return list.suffixes.some((s) => name.endsWith(s) && name.length > s.length);
}

/** An allowlist entry as the operator wrote it is a name, "*.suffix" or "*"; anything else is a typo worth refusing at start-up. */
export function validHostEntry(entry: string): boolean {
  return /^(\*|(\*\.)?[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?|\[[0-9a-f:.]+\])(:\d{1,5})?$/i.test(entry.trim());
}
