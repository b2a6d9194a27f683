import { CAUSES, type Cause } from '@/lib/verdict';
import type { Prisma } from '../db/open-database';

export interface AlertRules {
  /** Causes that raise an alert. */
  causes: Cause[];
  /** A running run that has sent nothing for this long is stalled. */
  stallSeconds: number;
  /** No second notification for the same run and kind within this many seconds. */
  quietSeconds: number;
  /** Alert when the latest loss is NaN or infinite. */
  nonfiniteLoss: boolean;
}

export const DEFAULT_RULES: AlertRules = { causes: [...CAUSES], stallSeconds: 600, quietSeconds: 300, nonfiniteLoss: true };

/** A project's rules row (from Prisma or the point store), or the defaults when it has none. */
export function rulesFromRow(row: { causes: unknown; stallSeconds: number; quietSeconds: number; nonfiniteLoss: boolean } | null): AlertRules {
  if (!row) return DEFAULT_RULES;
  return { causes: row.causes as Cause[], stallSeconds: row.stallSeconds, quietSeconds: row.quietSeconds, nonfiniteLoss: row.nonfiniteLoss };
}

export async function getRules(prisma: Prisma, projectId: number): Promise<AlertRules> {
  return rulesFromRow(await prisma.alertRule.findUnique({ where: { projectId } }));
}

export async function setRules(prisma: Prisma, projectId: number, patch: Partial<AlertRules>, now = new Date()): Promise<AlertRules> {
  const rules = { ...(await getRules(prisma, projectId)), ...patch };
  await prisma.alertRule.upsert({
    where: { projectId },
    create: { projectId, ...rules, updatedAt: now },
    update: { ...rules, updatedAt: now },
  });
  return rules;
}
