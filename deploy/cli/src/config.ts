// The launcher's configuration: embedded defaults, or the endpoints of the distributed mode.
import { resolve } from 'node:path';
import { fields, z } from '@switchboard/config';
import { envPrefix, services } from './services.ts';

/**
 * The traffic simulator's switch port. Not 4190 (its first default): that is one of the fetch standard's "bad
 * ports" (ManageSieve), and telephony's fetch refused every command sent there, so no simulated call was answered.
 */
export const DEFAULT_SIMULATOR_PORT = 4107;

const servicePorts = Object.fromEntries(services.map((s) => [`${envPrefix(s.name)}_PORT`, fields.port(s.defaultPort)]));
const serviceDatabases = Object.fromEntries(services.map((s) => [`${envPrefix(s.name)}_DATABASE_URL`, fields.postgresUrl().optional()]));

export const launcherConfig = z
  .object({
    SWITCHBOARD_DATA_DIR: z.string().min(1).default('.data').transform((p) => resolve(p)),
    SWITCHBOARD_HOST: z.string().min(1).default('127.0.0.1'),
    SWITCHBOARD_POSTGRES_PORT: fields.port(54329),
    SWITCHBOARD_READY_TIMEOUT_MS: fields.positiveInt(60_000),
    /** Load pg_stat_statements into the embedded Postgres (./switchboard pg-stats reads it). */
    SWITCHBOARD_POSTGRES_STATEMENT_STATS: fields.flag(false),
    LOG_LEVEL: fields.logLevel(),
    /** Shared with the switch (PBX, CPaaS or the simulator) to sign its webhooks; made and kept in the data folder when unset. */
    SWITCH_WEBHOOK_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** Signs people's and services' access tokens; every service checks them. Made and kept in the data folder when unset. */
    AUTH_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** The console's first admin; the password is made and kept in the data folder when unset. */
    CONSOLE_ADMIN_LOGIN: z.string().regex(/^[a-z0-9._-]{2,64}$/, 'lower-case letters, digits, ".", "_" or "-", 2 to 64').default('admin'),
    CONSOLE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
    /** Where telephony sends call control; by default the traffic simulator's switch endpoint on this machine. */
    SWITCH_CONTROL_URL: fields.httpUrl().optional(),
    /** The port the traffic simulator's switch listens on (./switchboard simulate, start --simulate). */
    SWITCHBOARD_SIMULATOR_PORT: fields.port(DEFAULT_SIMULATOR_PORT),
    KAFKA_BROKERS: fields.list().optional(),
    EVENTBUS_DATABASE_URL: fields.postgresUrl().optional(),
    ...servicePorts,
    ...serviceDatabases,
  })
  .superRefine((env, ctx) => {
    const given = services.filter((s) => (env as Record<string, unknown>)[`${envPrefix(s.name)}_DATABASE_URL`]);
    if (given.length > 0 && given.length < services.length) {
      const missing = services.filter((s) => !given.includes(s)).map((s) => `${envPrefix(s.name)}_DATABASE_URL`);
      ctx.addIssue({ code: 'custom', path: [missing[0]!], message: `set every service's database or none (missing: ${missing.join(', ')})` });
    }
    if (given.length === services.length && !env.KAFKA_BROKERS && !env.EVENTBUS_DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'with external databases, set KAFKA_BROKERS (or EVENTBUS_DATABASE_URL for the local log)' });
    }
  });

export type LauncherConfig = z.output<typeof launcherConfig>;

export const portOf = (config: LauncherConfig, name: string) => (config as Record<string, unknown>)[`${envPrefix(name)}_PORT`] as number;
export const databaseUrlOf = (config: LauncherConfig, name: string) =>
  (config as Record<string, unknown>)[`${envPrefix(name)}_DATABASE_URL`] as string | undefined;
