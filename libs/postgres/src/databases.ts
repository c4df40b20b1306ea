// Creating databases on a server: one per service, and one per test file cloned from a template.
import pg from 'pg';

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

function quoteName(name: string): string {
  if (!identifier.test(name)) throw new Error(`database name ${JSON.stringify(name)} must match ${identifier}`);
  return `"${name}"`;
}

/** Replaces the last path segment of a postgres URL (the database name). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/** Runs `work` on a connection to the server's `postgres` database, closed after. */
export async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function ensureDatabase(serverUrl: string, database: string, template?: string): Promise<boolean> {
  return onServer(serverUrl, async (client) => {
    try {
      const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
      if (rowCount) return false;
      const from = template ? ` template ${quoteName(template)}` : '';
      await client.query(`create database ${quoteName(database)}${from}`);
      return true;
    } catch (error) {
      // Two starters racing to create the same database: the loser finds it there.
      if ((error as { code?: string }).code === '42P04') return false;
      throw error;
    }
  });
}

export async function dropDatabase(serverUrl: string, database: string): Promise<void> {
  await onServer(serverUrl, (client) => client.query(`drop database if exists ${quoteName(database)} with (force)`));
}
