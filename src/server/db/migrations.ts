// Reads the SQL migrations kept in Prisma's layout (prisma/<provider>/migrations/<name>/migration.sql).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatabaseProvider } from '../config';

export interface Migration {
  name: string;
  sql: string;
  /** Lowercase hex SHA-256 of the file's bytes, as Prisma computes it. */
  checksum: string;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function migrationsDir(provider: DatabaseProvider): string {
  return path.join(ROOT, 'prisma', provider, 'migrations');
}

export function readMigrations(provider: DatabaseProvider): Migration[] {
  const dir = migrationsDir(provider);
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(dir, name, 'migration.sql'));
      return { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    });
}
