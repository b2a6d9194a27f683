import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const alias = { '@': fileURLToPath(new URL('./src', import.meta.url)) };

// API and browser tests start real servers; give them room on a 2-core machine.
const server = { testTimeout: 30_000, hookTimeout: 120_000 };

export default defineConfig({
  resolve: { alias },
  test: {
    pool: 'forks',
    projects: [
      { resolve: { alias }, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...server } },
      // The whole API suite runs twice: on SQLite (the default) and on PostgreSQL.
      { resolve: { alias }, test: { name: 'api', include: ['test/api/**/*.test.ts'], ...server } },
      {
        resolve: { alias },
        test: { name: 'api-postgres', include: ['test/api/**/*.test.ts'], exclude: ['test/api/migrations-match-schema.test.ts'], env: { LRSCOPE_TEST_DB: 'postgres' }, ...server },
      },
      { resolve: { alias }, test: { name: 'python', include: ['test/python/**/*.test.ts'], ...server, testTimeout: 600_000 } },
      { resolve: { alias }, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], ...server, testTimeout: 120_000, fileParallelism: false } },
    ],
  },
});
