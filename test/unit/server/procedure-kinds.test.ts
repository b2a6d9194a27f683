// A state-changing procedure missing from procedure-kinds.ts would be let through as an open
// read by the checks made before tRPC runs: every mutation must be listed as ingest or change.
import { describe, expect, it } from 'vitest';
import { appRouter } from '@/server/api/root';
import { CHANGE_PROCEDURES, INGEST_PROCEDURES, isRead } from '@/server/http/procedure-kinds';

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>);

describe('procedure kinds', () => {
  it('lists every mutation as ingest or change, and nothing that does not exist', () => {
    const mutations = procedures.filter(([, p]) => p._def.type === 'mutation').map(([name]) => name);
    expect(mutations.length).toBeGreaterThan(10);
    expect(mutations.filter(isRead), 'mutations treated as open reads').toEqual([]);
    const names = new Set(procedures.map(([name]) => name));
    expect([...INGEST_PROCEDURES, ...CHANGE_PROCEDURES].filter((n) => !names.has(n))).toEqual([]);
  });

  it('treats run management and retention as changes the dashboard may make', () => {
    for (const n of ['runs.archive', 'runs.delete', 'projects.setRetention']) expect(CHANGE_PROCEDURES.has(n), n).toBe(true);
    expect(isRead('runs.update')).toBe(false);
    expect(isRead('runs.list')).toBe(true);
  });
});
