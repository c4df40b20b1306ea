// `switchboard start`: the embedded Postgres, a database per service, every service as a supervised process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { loadConfigOrExit } from '@switchboard/config';
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from '@switchboard/postgres';
import { migrateLocalLog } from '@switchboard/eventbus';
import { formatSummary } from '@switchboard/simulator';
import { launcherSecret, simulate } from './commands/simulate.ts';
import { databaseUrlOf, launcherConfig, portOf, type LauncherConfig } from './config.ts';
import { formatServiceLine, note, step } from './progress.ts';
import { BUS_DATABASE, databaseName, envPrefix, services, type ServiceSpec } from './services.ts';

const repoRoot = resolve(import.meta.dirname, '../../..');

interface Supervised {
  readonly spec: ServiceSpec;
  child: ChildProcess | undefined;
  restarts: number;
}

/** `--simulate` or `--simulate=<calls/s>`: the simulator's rate, or undefined without the flag. */
export function simulateRate(args: readonly string[]): number | undefined {
  const flag = args.find((a) => a === '--simulate' || a.startsWith('--simulate='));
  if (flag === undefined) return undefined;
  const rate = flag.includes('=') ? Number(flag.slice('--simulate='.length)) : 1;
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`--simulate takes a rate in calls per second, like --simulate=2, not ${JSON.stringify(flag)}`);
  return rate;
}

export async function start(args: readonly string[] = []): Promise<void> {
  const rate = simulateRate(args);
  const config = loadConfigOrExit(launcherConfig);
  const system = embeddedSystem(config);
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\n▸ stopping: services finish their work and commit, then Postgres stops …\n');
    await system.stop();
    process.stdout.write('  stopped; the data stays in place for the next start\n');
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    await system.up();
  } catch (error) {
    // Whatever started before the failure (Postgres, some services) stops again before we exit.
    process.stderr.write(`could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAll(1);
  }
  // One write, so that whoever reads the output sees the whole list at once.
  const lines = services.map((spec) => `  ${spec.title.padEnd(22)} ${urlOf(config, spec)}`);
  const reporting = services.find((s) => s.name === 'reporting')!;
  lines.push(`  ${'wallboard, reports'.padEnd(22)} ${urlOf(config, reporting)}/wallboard  ${urlOf(config, reporting)}/reports`);
  lines.push(`  ${'data folder'.padEnd(22)} ${config.SWITCHBOARD_DATA_DIR}`);
  lines.push(
    `  sign in at the console as "${config.CONSOLE_ADMIN_LOGIN}"` +
      (config.CONSOLE_ADMIN_PASSWORD ? ' with CONSOLE_ADMIN_PASSWORD' : ` with the password in ${join(config.SWITCHBOARD_DATA_DIR, 'secrets', 'console-admin-password')}`),
  );
  process.stdout.write(`\nSwitchboard is running (Ctrl-C stops it):\n${lines.join('\n')}\n`);
  if (rate !== undefined) {
    const simulation = await simulate(
      {
        rate,
        minutes: Infinity,
        seed: Date.now() % 1_000_000,
        sites: 4,
        speed: 1,
        telephonyUrl: urlOf(config, services.find((s) => s.name === 'telephony')!),
        routingUrl: urlOf(config, services.find((s) => s.name === 'routing')!),
        customersUrl: urlOf(config, services.find((s) => s.name === 'customers')!),
        switchPort: config.SWITCHBOARD_SIMULATOR_PORT,
        secret: await launcherSecret(config),
        progressEveryMs: 10_000,
      },
      (line) => process.stdout.write(`${line}\n`),
    ).catch((error: unknown) => {
      note(`the simulator could not start: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    void simulation?.done.then((result) => process.stdout.write(`${formatSummary(result)}\n`));
  }
}

export interface SystemOptions {
  /** Each line a service prints (pino JSON); by default shown as `service level message` on stdout. */
  readonly onServiceLine?: (service: string, line: string) => void;
  /** No step and progress lines on stdout (a benchmark's table goes there). */
  readonly quiet?: boolean;
}

/** The whole system as `switchboard start` runs it, for the launcher and for whoever drives it from code (the benchmarks). */
export interface EmbeddedSystem {
  readonly config: LauncherConfig;
  /** Postgres (when embedded), the databases, the local log, every service until ready; throws when one is not. */
  up(): Promise<void>;
  /** Services first (they finish their work and commit), then Postgres; no restarts after this. */
  stop(): Promise<void>;
  urlOf(service: string): string;
  /** The running services' process ids, by service name. */
  pids(): ReadonlyMap<string, number>;
  /** The shared access-token key (known once up). */
  authSecret(): string;
}

export function embeddedSystem(config: LauncherConfig, options: SystemOptions = {}): EmbeddedSystem {
  const embedded = !databaseUrlOf(config, services[0]!.name);
  let postgres: RunningPostgres | undefined;
  const supervised: Supervised[] = [];
  let stopping = false;
  let authSecret: string | undefined;
  const stepOf = <T>(title: string, work: () => Promise<T>) => (options.quiet ? work() : step(title, work));
  const say = (line: string) => (options.quiet ? undefined : note(line));
  const onServiceLine = options.onServiceLine ?? ((service: string, line: string) => process.stdout.write(`${formatServiceLine(service, line)}\n`));

  async function bringUp(): Promise<void> {
    if (embedded) {
      postgres = await stepOf(`starting the embedded Postgres (data in ${join(config.SWITCHBOARD_DATA_DIR, 'postgres')})`, () =>
        startEmbeddedPostgres({
          dataDir: join(config.SWITCHBOARD_DATA_DIR, 'postgres'),
          port: config.SWITCHBOARD_POSTGRES_PORT,
          statementStats: config.SWITCHBOARD_POSTGRES_STATEMENT_STATS,
        }),
      );
      const server = postgres;
      await stepOf('creating a database per service', async () => {
        for (const name of [BUS_DATABASE, ...services.map((s) => databaseName(s.name))]) await ensureDatabase(server.baseUrl, name);
      });
    }
    const busUrl = config.KAFKA_BROKERS ? undefined : (config.EVENTBUS_DATABASE_URL ?? postgres!.urlFor(BUS_DATABASE));
    if (busUrl) await stepOf('preparing the local event log', () => migrateLocalLog(busUrl));

    const switchSecret = config.SWITCH_WEBHOOK_SECRET ?? (await keptSecret(config.SWITCHBOARD_DATA_DIR, 'switch-webhook-secret'));
    authSecret = config.AUTH_TOKEN_SECRET ?? (await keptSecret(config.SWITCHBOARD_DATA_DIR, 'auth-token-secret'));
    const adminPassword = config.CONSOLE_ADMIN_PASSWORD ?? (await keptSecret(config.SWITCHBOARD_DATA_DIR, 'console-admin-password', 9));
    const envFor = (spec: ServiceSpec): NodeJS.ProcessEnv => ({
      ...process.env,
      HOST: config.SWITCHBOARD_HOST,
      PORT: String(portOf(config, spec.name)),
      DATABASE_URL: databaseUrlOf(config, spec.name) ?? postgres!.urlFor(databaseName(spec.name)),
      LOG_LEVEL: config.LOG_LEVEL,
      // Every service checks access tokens with the same key.
      AUTH_TOKEN_SECRET: authSecret,
      ...(spec.name === 'console' ? { CONSOLE_ADMIN_LOGIN: config.CONSOLE_ADMIN_LOGIN, CONSOLE_ADMIN_PASSWORD: adminPassword } : {}),
      // Only telephony checks the switch's signatures and sends it call control; no other service gets the secret.
      ...(spec.name === 'telephony'
        ? { SWITCH_WEBHOOK_SECRET: switchSecret, SWITCH_CONTROL_URL: config.SWITCH_CONTROL_URL ?? `http://127.0.0.1:${config.SWITCHBOARD_SIMULATOR_PORT}/control` }
        : {}),
      // The in-process ClickHouse of the embedded mode; reporting is its only user.
      ...(spec.name === 'reporting' && !process.env.CLICKHOUSE_URL ? { CHDB_PATH: join(config.SWITCHBOARD_DATA_DIR, 'chdb') } : {}),
      ...(busUrl ? { EVENTBUS: 'local', EVENTBUS_DATABASE_URL: busUrl } : { EVENTBUS: 'kafka', KAFKA_BROKERS: config.KAFKA_BROKERS!.join(',') }),
      ...Object.fromEntries(services.map((s) => [`${envPrefix(s.name)}_URL`, urlOf(config, s)])),
    });

    const launch = (entry: Supervised) => {
      const child = spawn(process.execPath, [join(repoRoot, 'services', entry.spec.name, 'src/main.ts')], {
        cwd: repoRoot,
        env: envFor(entry.spec),
        stdio: ['ignore', 'pipe', 'pipe'],
        // Its own process group: on Ctrl-C only the launcher hears the terminal, and stops services before Postgres.
        detached: true,
      });
      entry.child = child;
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => onServiceLine(entry.spec.name, line));
      }
      child.on('exit', (code, signal) => {
        if (stopping) return;
        entry.restarts++;
        const delay = Math.min(1000 * 2 ** Math.min(entry.restarts - 1, 5), 30_000);
        note(`${entry.spec.name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`);
        setTimeout(() => !stopping && launch(entry), delay);
      });
    };

    await stepOf(`starting ${services.length} services`, async () => {
      for (const spec of services) {
        const entry: Supervised = { spec, child: undefined, restarts: 0 };
        supervised.push(entry);
        launch(entry);
      }
      let ready = 0;
      await Promise.all(
        services.map(async (spec) => {
          await waitReady(urlOf(config, spec), config.SWITCHBOARD_READY_TIMEOUT_MS, spec.name);
          say(`${spec.title} ready (${++ready}/${services.length})`);
        }),
      );
    });
  }

  return {
    config,
    up: bringUp,
    async stop() {
      stopping = true;
      await Promise.all(supervised.map((s) => stopChild(s.child)));
      await postgres?.stop();
    },
    urlOf: (name) => urlOf(config, services.find((s) => s.name === name)!),
    pids: () => new Map(supervised.flatMap((s) => (s.child?.pid === undefined ? [] : [[s.spec.name, s.child.pid] as const]))),
    authSecret: () => {
      if (authSecret === undefined) throw new Error('the system is not up yet');
      return authSecret;
    },
  };
}

/** A secret made once and kept (readable by its owner only) so that it survives restarts. */
async function keptSecret(dataDir: string, name: string, bytes = 32): Promise<string> {
  const file = join(dataDir, 'secrets', name);
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const secret = randomBytes(bytes).toString('hex');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

const urlOf = (config: LauncherConfig, spec: ServiceSpec) => `http://${config.SWITCHBOARD_HOST}:${portOf(config, spec.name)}`;

async function waitReady(baseUrl: string, timeoutMs: number, name: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error instanceof Error ? error.message : error);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} was not ready at ${baseUrl}/readyz within ${timeoutMs / 1000} s (last answer: ${last})`);
}

function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}
