import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { embeddedServerUrl, startEmbeddedPostgres } from '@switchboard/postgres';
import { freePort } from '@switchboard/testing';

/** How this client reached the server: 'socket' (no client address) or 'tcp'. */
async function reachedBy(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ client_addr: string | null }>('select client_addr from pg_stat_activity where pid = pg_backend_pid()');
    return rows[0]!.client_addr === null ? 'socket' : 'tcp';
  } finally {
    await client.end();
  }
}

describe('the embedded Postgres', () => {
  it('is reached over a Unix socket in its folder, and still over TCP on 127.0.0.1; a folder too deep for a socket keeps TCP', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pg-socket-'));
    await chmod(root, 0o755); // run as root, Postgres runs as `postgres`, which must enter it
    const deep = join(root, 'a-folder-whose-path-is-too-long-for-a-unix-socket'.repeat(2));
    await mkdir(deep, { recursive: true });
    const port = await freePort();
    const near = await startEmbeddedPostgres({ dataDir: join(root, 'data'), port, fastInit: true });
    try {
      expect(await reachedBy(near.urlFor('postgres'))).toBe('socket');
      expect(await reachedBy(`${embeddedServerUrl(port)}/postgres`)).toBe('tcp');
    } finally {
      await near.stop();
    }
    const far = await startEmbeddedPostgres({ dataDir: join(deep, 'data'), port: await freePort(), fastInit: true });
    try {
      expect(await reachedBy(far.urlFor('postgres'))).toBe('tcp');
    } finally {
      await far.stop();
      await rm(root, { recursive: true, force: true });
    }
  });
});
