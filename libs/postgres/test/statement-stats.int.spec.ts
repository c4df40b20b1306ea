import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { resetStatementStats, startEmbeddedPostgres, statementStats } from '@switchboard/postgres';
import { freePort } from '@switchboard/testing';

describe('statement statistics of the embedded Postgres', () => {
  it('counts each statement per database when started with them, from zero after a reset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-stats-'));
    const server = await startEmbeddedPostgres({ dataDir: dir, port: await freePort(), fastInit: true, statementStats: true });
    try {
      await resetStatementStats(server.baseUrl);
      const client = new pg.Client({ connectionString: server.urlFor('postgres') });
      await client.connect();
      for (let i = 0; i < 7; i++) await client.query('select $1::int + 1 as agents_ready', [i]);
      await client.end();
      const { statements, databases } = await statementStats(server.baseUrl, 50);
      expect(statements.find((s) => s.query.includes('agents_ready'))).toMatchObject({ database: 'postgres', calls: 7 });
      expect(databases.find((d) => d.database === 'postgres')!.calls).toBeGreaterThanOrEqual(7);

      await resetStatementStats(server.baseUrl);
      expect((await statementStats(server.baseUrl, 50)).statements.find((s) => s.query.includes('agents_ready'))).toBeUndefined();
    } finally {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
