import type { Prisma } from '../db/open-database';

/** The client inside prisma.$transaction(async (tx) => ...). */
export type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];
