// Refuses requests a web page elsewhere makes (see allowed-hosts.ts for DNS rebinding):
// - Host must be an allowed name, on every route but /healthz;
// - Origin, when a browser sends one, must be this server's own origin (the request's Host) or
//   LRSCOPE_PUBLIC_URL's; "null" (sandboxed frames, file: pages) is refused;
// - procedure calls the browser itself marks as coming from another site (Sec-Fetch-Site) are
//   refused, so a foreign page's <img>/<script>/form request never reaches a procedure. Page
//   navigations from elsewhere (a link in Slack) are fine.
import type http from 'node:http';
import { type HostAllowlist, hostAllowed, hostName } from '@/lib/net/allowed-hosts';

export interface HostGuard {
  /** Null when the request may go on, else why not. */
  refuse(req: http.IncomingMessage, kind: 'procedure' | 'page'): string | null;
}

export function createHostGuard(allowlist: HostAllowlist, publicUrl: string): HostGuard {
  const publicOrigin = new URL(publicUrl).origin;
  return {
    refuse(req, kind) {
      const host = req.headers.host;
      const name = hostName(host);
      if (!hostAllowed(allowlist, name)) {
        return `Host "${String(host ?? '').slice(0, 100)}" is not one this server answers to: add it to LRSCOPE_ALLOWED_HOSTS (or --allowed-hosts), or set LRSCOPE_PUBLIC_URL`;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !sameOrigin(origin, host!, publicOrigin)) {
        return `Origin "${origin.slice(0, 100)}" is not this server: requests from other web pages are refused`;
      }
      const site = req.headers['sec-fetch-site'];
      if (kind === 'procedure' && (site === 'cross-site' || site === 'same-site')) return 'requests from other web pages are refused';
      return null;
    },
  };
}

function sameOrigin(origin: string, host: string, publicOrigin: string): boolean {
  if (origin === publicOrigin) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // "null" and anything else that is not an origin
  }
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.host === new URL(`http://${host}`).host;
}
