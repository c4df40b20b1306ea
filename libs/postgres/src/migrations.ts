// Applies a folder of plain SQL migrations in name order: one transaction per file, an advisory lock
// against concurrent runners, and a checksum so an edited, already-applied file is refused.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

export async function readMigrations(folder: string): Promise<Migration[]> {
  const files = (await readdir(folder)).filter((f) => f.endsWith('.sql')).sort();
  return Promise.all(files.map(async (name) => ({ name, sql: await readFile(join(folder, name), 'utf8') })));
}

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');
const LOCK_KEY = 727_274_001; // any fixed number: serialises runners on one database

/**
 * Applies the migrations not applied yet. `scope` keeps separate histories in one database
 * (the event store's tables and a service's own tables). Returns the names applied now.
 */
export async function applyMigrations(
  databaseUrl: string,
  scope: string,
  migrations: readonly Migration[],
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    await client.query(`create table if not exists schema_migrations (
      scope text not null, name text not null, checksum text not null,
      applied_at timestamptz not null default now(), primary key (scope, name))`);
    const { rows } = await client.query<{ name: string; checksum: string }>(
      'select name, checksum from schema_migrations where scope = $1',
      [scope],
    );
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const done: string[] = [];
    for (const migration of migrations) {
      const sum = checksum(migration.sql);
      const previous = applied.get(migration.name);
      if (previous !== undefined) {
        if (previous !== sum) {
          throw new Error(
            `migration ${scope}/${migration.name} was changed after it was applied; add a new migration instead`,
          );
        }
        continue;
      }
      await client.query('begin');
      try {
        await client.query(migration.sql);
        await client.query('insert into schema_migrations (scope, name, checksum) values ($1, $2, $3)', [
          scope,
          migration.name,
          sum,
        ]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${scope}/${migration.name} failed: ${String(error)}`, { cause: error });
      }
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}
