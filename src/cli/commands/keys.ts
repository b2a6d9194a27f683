import { projectName } from '@/server/api/inputs';
import { ConfigError, loadConfig } from '@/server/config';
import { type Db, openDatabase } from '@/server/db/open-database';
import { AppError } from '@/server/errors';
import { createProjectKey } from '@/server/keys/create-project-key';
import { listKeys, revokeKey } from '@/server/keys/manage-keys';
import { type CliCommand, type CliIo, UsageError } from '../io';

const USAGE = `usage:
  lrscope keys create --project NAME   create the project if needed and print a new API key
  lrscope keys list [--project NAME]   list keys (their public ids; secrets are never stored)
  lrscope keys revoke ID|KEY           revoke a key; trainers using it get 401 from then on`;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function checkedProject(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const valid = projectName.safeParse(name);
  if (!valid.success) throw new UsageError(`--project: ${valid.error.issues[0].message}`);
  return name;
}

/** Opens the database the server uses (same DATABASE_URL). */
async function withDb<T>(io: CliIo, fn: (db: Db) => Promise<T>): Promise<T> {
  let config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
  const db = await openDatabase(config);
  try {
    return await fn(db);
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(err.message);
    throw err;
  } finally {
    await db.close();
  }
}

export const keys: CliCommand = async (args, io) => {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const name = checkedProject(option(rest, '--project'));
    if (!name) throw new UsageError(`--project NAME is required\n${USAGE}`);
    const k = await withDb(io, (db) => createProjectKey(db.prisma, name));
    io.stderr(`${k.projectCreated ? 'created project' : 'new key for project'} "${k.project.name}"; the key is shown once:\n`);
    io.stdout(`${k.key}\n`);
    return 0;
  }
  if (sub === 'list') {
    const project = checkedProject(option(rest, '--project'));
    const rows = await withDb(io, (db) => listKeys(db.prisma, project));
    if (rows.length === 0) io.stderr('no keys\n');
    for (const k of rows) io.stdout(`${k.hint}\t${k.project}\tcreated ${k.createdAt}${k.revokedAt ? `\trevoked ${k.revokedAt}` : ''}\n`);
    return 0;
  }
  if (sub === 'revoke') {
    const id = rest[0];
    if (!id) throw new UsageError(`revoke needs the key's id (see lrscope keys list) or the key\n${USAGE}`);
    const k = await withDb(io, (db) => revokeKey(db.prisma, id));
    io.stdout(`revoked ${k.hint} of project "${k.project}"\n`);
    return 0;
  }
  throw new UsageError(sub ? `unknown subcommand "${sub}"\n${USAGE}` : USAGE);
};
