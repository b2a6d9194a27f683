import type { Db } from '../db/open-database';
import { parseKey, secretMatches } from './api-key';

export interface Principal {
  projectId: number;
  projectName: string;
  keyId: number;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * Resolves `Authorization: Bearer <key>` to its project, or null for a missing, wrong or revoked
 * key. The key row is read on every request through the store's prepared statement (a few µs
 * on SQLite), not cached, so a key revoked by any process is refused from its next request.
 */
export async function authenticate(db: Pick<Db, 'points'>, authorization: string | null | undefined): Promise<Principal | null> {
  const m = BEARER.exec(authorization ?? '');
  const parsed = m ? parseKey(m[1]) : null;
  if (!parsed) return null;
  const row = await db.points.apiKey(parsed.publicId);
  if (!row || row.revoked || !secretMatches(parsed.secret, row.salt, row.hash)) return null;
  return { projectId: row.projectId, projectName: row.projectName, keyId: row.id };
}
