// The Python client's benchmark (bench/python-client.py) against the real server: run.log's cost
// on the training thread (budget ≤ 20 µs mean per call), watch()'s cost per optimizer step, and
// end-to-end points/s from one Python process.
//   npx tsx bench/python-client.ts [--calls 200000] [--points 300000]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT, startServer } from '../test/helpers/server';

const passThrough = process.argv.slice(2);
const server = await startServer();
try {
  const r = spawnSync(process.env.LRSCOPE_TEST_PYTHON ?? '/usr/bin/python3', [path.join(ROOT, 'bench/python-client.py'), '--url', server.url, '--key', server.apiKey, '--server-label', `real lrscope server (API only, SQLite) at ${server.url}`, ...passThrough], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, PYTHONPATH: path.join(ROOT, 'clients/python') },
  });
  process.exitCode = r.status ?? 1;
} finally {
  await server.stop();
}
