// A fresh SQLite database (migrated) for service-level tests that need no HTTP.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Db, openDatabase } from '@/server/db/open-database';

export async function openTempDb(): Promise<Db> {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'lrscope-unit-')), 'lrscope.db');
  return openDatabase({ provider: 'sqlite', databaseUrl: `file:${file}`, sqlitePath: file });
}
