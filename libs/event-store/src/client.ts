// Opens a service's event-store database: applies the shipped SQL migrations, then a Prisma 7 client on node-postgres.
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import { applyMigrations, readMigrations } from '@switchboard/postgres';
import { PrismaClient } from './generated/prisma/client.ts';

export type { PrismaClient };
export type { Prisma } from './generated/prisma/client.ts';

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Creates the event store's tables if they are missing (idempotent, safe to run at every start). */
export async function migrateEventStore(databaseUrl: string): Promise<void> {
  await applyMigrations(databaseUrl, 'event-store', await readMigrations(migrationsFolder));
}

export function connectPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: poolSize }) });
}
