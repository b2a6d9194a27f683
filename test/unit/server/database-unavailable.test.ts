import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUnavailable, unavailableMessage } from '@/server/db/database-unavailable';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function pgError(code: string, message: string) {
  const e = new pg.DatabaseError(message, message.length, 'error');
  e.code = code;
  e.severity = 'FATAL';
  return e;
}

// The shape Prisma 7 gives a driver error (PrismaClientKnownRequestError, seen on a read-only
// SQLite file and a terminated PostgreSQL connection).
function prismaWrapped(cause: Record<string, unknown>) {
  const adapterError = Object.assign(new Error(String(cause.originalMessage ?? cause.message ?? '')), { name: 'DriverAdapterError', cause });
  return Object.assign(new Error('\nInvalid `prisma.run.create()` invocation:\n\nDatabase error. Code: ...'), { name: 'PrismaClientKnownRequestError', code: 'P2039', meta: { modelName: 'Run', driverAdapterError: adapterError } });
}

describe('databaseUnavailable', () => {
  it('SQLite read-only, from better-sqlite3 itself', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-ro-'));
    const file = path.join(dir, 'x.db');
    new Database(file).exec('CREATE TABLE t (x)');
    const ro = new Database(file, { readonly: true });
    const err = thrown(() => ro.exec('INSERT INTO t VALUES (1)'));
    expect(databaseUnavailable(err)).toEqual({ reason: 'read-only', detail: 'attempt to write a readonly database' });
  });

  it('SQLite busy, from better-sqlite3 itself', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lrscope-busy-'));
    const file = path.join(dir, 'x.db');
    const a = new Database(file);
    a.exec('CREATE TABLE t (x)');
    a.exec('BEGIN IMMEDIATE');
    const b = new Database(file, { timeout: 1 });
    expect(databaseUnavailable(thrown(() => b.exec('INSERT INTO t VALUES (1)')))?.reason).toBe('busy');
    a.exec('ROLLBACK');
  });

  it('SQLite errors by name and by extended code (what the Prisma adapter reports)', () => {
    expect(databaseUnavailable(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }))?.reason).toBe('disk-full');
    expect(databaseUnavailable(Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_WRITE' }))?.reason).toBe('io-error');
    expect(databaseUnavailable(Object.assign(new Error('unable to open database file'), { code: 'SQLITE_CANTOPEN' }))?.reason).toBe('io-error');
    expect(databaseUnavailable(Object.assign(new Error('x'), { code: 'SQLITE_READONLY_DBMOVED' }))?.reason).toBe('read-only');
    expect(databaseUnavailable(prismaWrapped({ kind: 'sqlite', extendedCode: 13, message: 'database or disk is full' }))).toEqual({ reason: 'disk-full', detail: 'database or disk is full' });
    expect(databaseUnavailable(prismaWrapped({ kind: 'sqlite', extendedCode: 1032, message: 'attempt to write a readonly database' }))?.reason).toBe('read-only');
    expect(databaseUnavailable(prismaWrapped({ kind: 'sqlite', originalCode: 'SQLITE_READONLY', originalMessage: 'attempt to write a readonly database' }))).toEqual({
      reason: 'read-only',
      detail: 'attempt to write a readonly database',
    });
  });

  it('a PostgreSQL server that refuses connections, from pg itself', async () => {
    // Port 1 on loopback: nothing listens there.
    const client = new pg.Client({ connectionString: 'postgresql://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 2_000 });
    const err = await client.connect().then(
      () => null,
      (e: unknown) => e,
    );
    expect(databaseUnavailable(err)).toMatchObject({ reason: 'unreachable', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it('PostgreSQL SQLSTATEs: shutdown, connection exception, disk full, read-only; pg connection messages', () => {
    expect(databaseUnavailable(pgError('57P01', 'terminating connection due to administrator command'))).toEqual({ reason: 'unreachable', detail: 'terminating connection due to administrator command' });
    expect(databaseUnavailable(pgError('57P03', 'the database system is starting up'))?.reason).toBe('unreachable');
    expect(databaseUnavailable(pgError('08006', 'connection failure'))?.reason).toBe('unreachable');
    expect(databaseUnavailable(pgError('53100', 'could not extend file: No space left on device'))?.reason).toBe('disk-full');
    expect(databaseUnavailable(pgError('25006', 'cannot execute INSERT in a read-only transaction'))?.reason).toBe('read-only');
    expect(databaseUnavailable(new Error('Connection terminated unexpectedly'))?.reason).toBe('unreachable');
    expect(databaseUnavailable(new Error('Client has encountered a connection error and is not queryable'))?.reason).toBe('unreachable');
    expect(databaseUnavailable(prismaWrapped({ kind: 'postgres', code: '57P01', severity: 'FATAL', message: 'terminating connection due to administrator command' }))?.reason).toBe('unreachable');
    expect(databaseUnavailable(prismaWrapped({ kind: 'ConnectionClosed' }))?.reason).toBe('unreachable');
    expect(databaseUnavailable(Object.assign(new Error("Can't reach database server"), { code: 'P1001' }))?.reason).toBe('unreachable');
  });

  it('an AggregateError of connection attempts (localhost resolving to two addresses)', () => {
    const err = new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })], '');
    expect(databaseUnavailable(err)?.reason).toBe('unreachable');
  });

  it('is null for bugs and for errors about the data', () => {
    expect(databaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBeNull();
    expect(databaseUnavailable(pgError('22003', 'value out of range: overflow'))).toBeNull();
    expect(databaseUnavailable(pgError('23505', 'duplicate key value violates unique constraint'))).toBeNull();
    expect(databaseUnavailable(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeNull();
    expect(databaseUnavailable(prismaWrapped({ kind: 'UniqueConstraintViolation' }))).toBeNull();
    expect(databaseUnavailable(undefined)).toBeNull();
    expect(databaseUnavailable('a string')).toBeNull();
  });

  it('terminates on a cyclic cause chain', () => {
    const a: any = new Error('a');
    const b: any = new Error('b', { cause: a });
    a.cause = b;
    expect(databaseUnavailable(a)).toBeNull();
  });
});

describe('unavailableMessage', () => {
  it('names the reason, quotes the driver and says a retry is safe', () => {
    const m = unavailableMessage({ reason: 'disk-full', detail: 'database or disk is full' });
    expect(m).toMatch(/disk is full/);
    expect(m).toMatch(/\(database or disk is full\)/);
    expect(m).toMatch(/sending the same request again is safe/);
    expect(unavailableMessage({ reason: 'read-only', detail: 'x' })).toMatch(/reads still work/);
  });
});
