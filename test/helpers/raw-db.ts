// A test server's database directly (SQLite file or PostgreSQL), bypassing the API: to count
// rows after a crash, look for secrets stored in the clear, or put a run at a limit.
import Database from 'better-sqlite3';
import pg from 'pg';

export async function sql<T = Record<string, unknown>>(databaseUrl: string, text: string, params: unknown[] = []): Promise<T[]> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.slice('file:'.length), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(text.replaceAll(/\$\d+/g, '?')).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  return postgres(databaseUrl, text, params);
}

/** A write behind the server's back: to put a run at a limit without logging millions of points. */
export async function sqlWrite(databaseUrl: string, text: string, params: unknown[] = []): Promise<void> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.slice('file:'.length), { fileMustExist: true, timeout: 10_000 });
    try {
      db.prepare(text.replaceAll(/\$\d+/g, '?')).run(...params);
    } finally {
      db.close();
    }
    return;
  }
  await postgres(databaseUrl, text, params);
}

async function postgres<T>(databaseUrl: string, text: string, params: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: databaseUrl });
  // Fault tests terminate this database's connections: the query in flight reports it, and the
  // event must not crash the test worker.
  c.on('error', () => {});
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Every text value of every table, as one string per row (for "is this secret anywhere?"). */
export async function dumpAllText(databaseUrl: string): Promise<string> {
  const sqlite = databaseUrl.startsWith('file:');
  const tables = sqlite
    ? (await sql<{ name: string }>(databaseUrl, "SELECT name FROM sqlite_master WHERE type = 'table'")).map((t) => t.name)
    : (await sql<{ name: string }>(databaseUrl, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")).map((t) => t.name);
  const out: string[] = [];
  for (const t of tables) {
    for (const row of await sql(databaseUrl, `SELECT * FROM "${t}"`)) out.push(`${t}: ${JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : Buffer.isBuffer(v) ? v.toString('latin1') : v))}`);
  }
  return out.join('\n');
}
