import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { applyMigrations } from '@switchboard/postgres';
import { freshDatabase } from '@switchboard/testing';

describe('the migration runner', () => {
  it('applies each file once, in order, and refuses an edited one', async () => {
    const url = await freshDatabase();
    const first = [
      { name: '001_queues.sql', sql: 'create table queues (id text primary key);' },
      { name: '002_agents.sql', sql: 'create table agents (id text primary key, queue_id text references queues(id));' },
    ];
    expect(await applyMigrations(url, 'routing', first)).toEqual(['001_queues.sql', '002_agents.sql']);
    expect(await applyMigrations(url, 'routing', first)).toEqual([]);
    const edited = [{ name: '001_queues.sql', sql: 'create table queues (id int primary key);' }];
    await expect(applyMigrations(url, 'routing', edited)).rejects.toThrow(/was changed after it was applied/);
  });

  it('rolls back a failing file and leaves nothing of it behind', async () => {
    const url = await freshDatabase();
    const broken = [{ name: '001_half.sql', sql: 'create table sites (id text); select * from no_such_table;' }];
    await expect(applyMigrations(url, 'routing', broken)).rejects.toThrow(/001_half.sql failed/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query("select 1 from information_schema.tables where table_name = 'sites'");
    await client.end();
    expect(rowCount).toBe(0);
  });
});
