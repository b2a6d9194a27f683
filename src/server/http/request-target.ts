// What a request asks for, parsed once and safely: a malformed escape ("%E0") or a path that
// climbs out of a folder ("/_next/static/../../alerts", also as %2e%2e) is a 400 here, not an
// exception in a later check or a path that one check reads one way and the page router another.

export interface RequestTarget {
  /** The path with dot segments resolved; the request's URL is rewritten to it. */
  pathname: string;
  search: string;
  /** Procedures named by an /api/trpc/ path (several for a batch), decoded. */
  procedures: string[] | null;
}

export class BadTargetError extends Error {}

export function requestTarget(rawUrl: string): RequestTarget {
  if (!rawUrl.startsWith('/')) throw new BadTargetError('the request target must be a path');
  let url: URL;
  try {
    url = new URL(rawUrl, 'http://lrscope.invalid');
  } catch {
    throw new BadTargetError('the request target is not a valid URL');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    throw new BadTargetError(`the path has a malformed %-escape: ${url.pathname.slice(0, 100)}`);
  }
  // Decoded, a segment must not be a dot segment, hold a slash or a backslash, or a NUL.
  for (const raw of url.pathname.split('/')) {
    const seg = decodeURIComponent(raw);
    if (seg === '.' || seg === '..' || (seg !== raw && /[/\\]/.test(seg)) || seg.includes('\\') || seg.includes('\0')) {
      throw new BadTargetError('the path has a dot segment, an encoded slash, a backslash or a NUL');
    }
  }
  try {
    decodeURIComponent(url.search.replace(/\+/g, ' '));
  } catch {
    throw new BadTargetError('the query string has a malformed %-escape');
  }
  const procedures = url.pathname.startsWith('/api/trpc/') ? decoded.slice('/api/trpc/'.length).split(',').filter(Boolean) : null;
  return { pathname: url.pathname, search: url.search, procedures };
}
