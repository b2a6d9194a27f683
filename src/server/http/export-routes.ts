// CSV downloads, for curl and the pages' links:
//   GET /api/runs/<id>/points.csv   every point of a run (see export-run-csv.ts)
//   GET /api/runs.csv?project=&status=&flagged=&search=&archived=   the runs table as filtered
// Reads like the dashboard's: open unless LRSCOPE_DASHBOARD_TOKEN is set; then the token (or a
// dashboard session), or a project API key, which sees its own project only.
import { once } from 'node:events';
import type http from 'node:http';
import { z } from 'zod';
import * as input from '../api/inputs';
import { formatZodIssues } from '../api/zod-messages';
import type { Db } from '../db/open-database';
import { AppError } from '../errors';
import { authenticate } from '../keys/authenticate';
import { exportRunCsv } from '../runs/export-run-csv';
import { exportRunsCsv } from '../runs/export-runs-csv';
import { getRun } from '../runs/get-run';
import type { DashboardAuth } from './dashboard-auth';

const RUN_POINTS = /^\/api\/runs\/(\d{1,10})\/points\.csv$/;
const RUNS = '/api/runs.csv';

export function isExportUrl(url: string): boolean {
  const path = url.split('?')[0];
  return path === RUNS || RUN_POINTS.test(path);
}

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const runsQuery = z.strictObject({
  project: input.projectName.optional(),
  status: input.runStatus.optional(),
  flagged: bool.optional(),
  search: input.text().max(200, 'must be at most 200 characters').optional(),
  archived: z.enum(['true', 'false', 'only'], { error: 'must be true, false or only' }).transform((v) => (v === 'only' ? ('only' as const) : v === 'true')).optional(),
});

function fail(res: http.ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }));
}

/** A file name safe in a Content-Disposition header on every platform. */
function fileName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'run';
}

async function stream(res: http.ServerResponse, name: string, lines: AsyncGenerator<string>) {
  res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${name}"`, 'cache-control': 'no-store' });
  try {
    for await (const chunk of lines) {
      if (res.destroyed) return; // the client went away: stop reading the database
      if (!res.write(chunk)) await once(res, 'drain');
    }
    res.end();
  } catch (err) {
    // Headers are out: all a failure can do now is cut the body short, which curl reports.
    console.error(`lrscope: CSV export ${name} failed: ${(err as Error).message}`);
    res.destroy();
  }
}

export async function serveExport(req: http.IncomingMessage, res: http.ServerResponse, db: Db, auth: DashboardAuth): Promise<void> {
  if (req.method !== 'GET') return fail(res, 405, 'CSV exports are read with GET');
  const url = new URL(req.url ?? '/', 'http://x');
  // With a token set, a project API key may stand in for it, limited to its own project.
  const dashboard = await auth.mayRead(req);
  const principal = dashboard ? null : await authenticate(db, req.headers.authorization);
  if (!dashboard && !principal) {
    return fail(res, 401, 'this export needs the dashboard token or a project API key: send Authorization: Bearer <token or key>');
  }
  try {
    const m = RUN_POINTS.exec(url.pathname);
    if (m) {
      const run = await getRun(db.prisma, Number(m[1]));
      if (principal && principal.projectName !== run.project) return fail(res, 403, `run ${run.id} belongs to another project than this API key's ("${principal.projectName}")`);
      return await stream(res, `run-${run.id}-${fileName(run.name)}.csv`, exportRunCsv(db, run));
    }
    const parsed = runsQuery.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) return fail(res, 400, formatZodIssues(parsed.error.issues));
    if (principal && parsed.data.project !== undefined && parsed.data.project !== principal.projectName) {
      return fail(res, 403, `project: this API key belongs to project "${principal.projectName}"`);
    }
    const filters = principal ? { ...parsed.data, project: principal.projectName, projectId: principal.projectId } : parsed.data;
    return await stream(res, `runs${filters.project ? `-${fileName(filters.project)}` : ''}.csv`, exportRunsCsv(db.prisma, filters));
  } catch (err) {
    if (err instanceof AppError) return fail(res, err.code === 'NOT_FOUND' ? 404 : 400, err.message);
    throw err;
  }
}
