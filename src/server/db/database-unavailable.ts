// Tells a database that cannot serve right now (connection lost, unreachable, read-only, disk
// full, locked too long) from a bug, so callers get a 503 that says what to do, not a 500 with
// a driver's internals. Errors arrive raw (pg, better-sqlite3) or wrapped by Prisma's driver
// adapters, so the whole cause chain is searched.

export type UnavailableReason = 'unreachable' | 'read-only' | 'io-error' | 'disk-full' | 'busy';

export interface DatabaseUnavailable {
  reason: UnavailableReason;
  /** The driver's own words, for the log and the reply. */
  detail: string;
}

// PostgreSQL SQLSTATEs: class 08 connection exception, 57P01-57P03 shutdown/cannot connect now,
// 53100 disk full, 53300 too many connections, 25006 read-only transaction.
function fromPostgresCode(code: string): UnavailableReason | null {
  if (code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') return 'unreachable';
  if (code === '53100') return 'disk-full';
  if (code === '25006') return 'read-only';
  return null;
}

// SQLite primary result codes (the low byte of an extended code).
const SQLITE_CODES: Record<number, UnavailableReason> = { 5: 'busy', 6: 'busy', 8: 'read-only', 10: 'io-error', 13: 'disk-full', 14: 'io-error' };

function fromSqliteName(code: string): UnavailableReason | null {
  if (code.startsWith('SQLITE_READONLY')) return 'read-only';
  if (code.startsWith('SQLITE_FULL')) return 'disk-full';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io-error';
  return null;
}

const NODE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

// Prisma's own codes for a database it cannot reach or that dropped the connection.
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

const ADAPTER_KINDS: Record<string, UnavailableReason> = {
  DatabaseNotReachable: 'unreachable',
  ConnectionClosed: 'unreachable',
  SocketTimeout: 'unreachable',
  TooManyConnections: 'unreachable',
};

// pg's own errors for a client whose connection died carry no code.
const PG_CONNECTION_MESSAGES = /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end/;

type Node = Record<string, unknown>;

function classify(e: Node): UnavailableReason | null {
  const code = typeof e.code === 'string' ? e.code : undefined;
  const originalCode = typeof e.originalCode === 'string' ? e.originalCode : undefined;
  if (typeof e.kind === 'string') {
    if (e.kind in ADAPTER_KINDS) return ADAPTER_KINDS[e.kind];
    if (e.kind === 'postgres' && code) return fromPostgresCode(code);
    if (e.kind === 'sqlite') {
      if (originalCode) return fromSqliteName(originalCode);
      if (typeof e.extendedCode === 'number') return SQLITE_CODES[e.extendedCode & 0xff] ?? null;
    }
  }
  if (code) {
    if (code.startsWith('SQLITE_')) return fromSqliteName(code);
    if (NODE_ERRNOS.has(code)) return 'unreachable';
    if (PRISMA_CODES.has(code)) return 'unreachable';
    if (/^[0-9A-Z]{5}$/.test(code) && typeof e.severity === 'string') return fromPostgresCode(code);
  }
  if (typeof e.message === 'string' && PG_CONNECTION_MESSAGES.test(e.message)) return 'unreachable';
  return null;
}

function detailOf(e: Node): string {
  for (const k of ['originalMessage', 'message']) if (typeof e[k] === 'string' && e[k]) return (e[k] as string).split('\n')[0];
  return String(e.code ?? e.kind ?? 'unknown error');
}

/** The reason the database cannot serve, or null when the error is not the database's state. */
export function databaseUnavailable(err: unknown): DatabaseUnavailable | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || typeof e !== 'object' || seen.has(e) || seen.size > 20) continue;
    seen.add(e);
    const node = e as Node;
    const reason = classify(node);
    if (reason) return { reason, detail: detailOf(node) };
    const meta = node.meta as Node | undefined;
    queue.push(node.cause, meta?.driverAdapterError, ...(Array.isArray(node.errors) ? node.errors : []));
  }
  return null;
}

const ADVICE: Record<UnavailableReason, string> = {
  unreachable: 'the database is unavailable',
  'read-only': 'the database is read-only: writes are refused until it is writable again (reads still work)',
  'io-error': 'the database files cannot be written: check that the file, its -wal and -shm files and its folder are writable and the disk is healthy (reads still work)',
  'disk-full': "the database's disk is full: free space on its volume, then retry",
  busy: 'the database is locked by another writer for too long',
};

/** The message a client gets: what happened, the driver's words, and that a retry is safe. */
export function unavailableMessage(u: DatabaseUnavailable): string {
  return `${ADVICE[u.reason]} (${u.detail}). Retry shortly; sending the same request again is safe (a batch's steps already stored count as duplicates).`;
}
