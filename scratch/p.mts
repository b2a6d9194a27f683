import { execSync } from 'node:child_process';
import { openDatabase } from '/work/main/src/server/db/open-database';
const dir = '/tmp/probe/db'; execSync(`rm -rf ${dir}; mkdir -p ${dir}`);
const db = await openDatabase({ provider: 'sqlite', databaseUrl: `file:${dir}/x.db`, sqlitePath: `${dir}/x.db` });
const p = await db.prisma.project.create({ data: { name: 'p' } });
execSync(`chattr +i ${dir} ${dir}/*`);
try {
  await db.prisma.run.create({ data: { name: 'r', projectId: p.id } as any });
} catch (e: any) {
  console.log('PRISMA', e.constructor.name, JSON.stringify({ code: e.code, meta: e.meta, name: e.name, msg: e.message.slice(0, 400) }), e.cause && { cn: e.cause.constructor.name, cause: e.cause });
}
try { await db.points.logPoints(1, [{ step: 1, lr: 0.1 }], new Date(), () => {}); } catch (e: any) { console.log('STORE', e.constructor.name, e.code, e.message); }
execSync(`chattr -i ${dir} ${dir}/* ; chattr -i ${dir}`);
