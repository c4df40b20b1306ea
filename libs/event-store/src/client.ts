// Opens a service's event-store database: applies the shipped SQL migrations, then a Prisma 7 client on node-postgres.
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { applyMigrations, readMigrations } from '@switchboard/postgres';
import { PrismaClient } from './generated/prisma/client.ts';

export type { PrismaClient };
export type { Prisma } from './generated/prisma/client.ts';

const migrationsFolder = fileURLToPath(new URL('../migrations', import.meta.url));

/** Creates the event store's tables if they are missing (idempotent, safe to run at every start). */
export async function migrateEventStore(databaseUrl: string): Promise<void> {
  await applyMigrations(databaseUrl, 'event-store', await readMigrations(migrationsFolder));
}

const pools = new WeakMap<PrismaClient, pg.Pool>();

/** A Prisma client on its own pool of `poolSize` connections, shared with the hot paths that go straight to pg. */
export function connectPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle connection the server closed (a restart, an admin) is dropped by the pool; the next use opens another.
  pool.on('error', () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  // The pool is ours, not Prisma's (Prisma may never have connected when only projections used it): closing the
  // client closes it too.
  const disconnect = prisma.$disconnect.bind(prisma);
  let closing: Promise<void> | undefined;
  prisma.$disconnect = () => (closing ??= disconnect().finally(() => pool.end()));
  pools.set(prisma, pool);
  return prisma;
}

/** The node-postgres pool under a client from `connectPrisma`: for the hot paths that go straight to pg. */
export function poolOf(prisma: PrismaClient): pg.Pool {
  const pool = pools.get(prisma);
  if (pool === undefined) throw new TypeError('poolOf: this Prisma client was not opened by connectPrisma');
  return pool;
}
