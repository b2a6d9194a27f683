// Prisma's CLI wants to download a native schema engine even for `generate`, which only needs
// the bundled wasm. Pointing the engine variable at any existing file keeps generate offline.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY || !existsSync(env.PRISMA_SCHEMA_ENGINE_BINARY)) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
for (const schema of ['prisma/sqlite', 'prisma/postgres']) {
  if (!existsSync(schema)) continue;
  const r = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', '--schema', schema], { env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
