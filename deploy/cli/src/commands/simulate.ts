// `./switchboard simulate`: call traffic against the running services, the simulator playing the switch and the agents.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@switchboard/config';
import { formatProgress, formatSummary, startSimulation, type Simulation } from '@switchboard/simulator';
import { accessTokens, serviceToken } from '@switchboard/service-kit';
import { DEFAULT_SIMULATOR_PORT, launcherConfig, portOf, type LauncherConfig } from '../config.ts';
import type { CliCommand } from './types.ts';

export interface SimulateOptions {
  readonly rate: number;
  readonly minutes: number;
  readonly seed: number;
  readonly sites: number;
  /** Per site; by default enough for the rate. */
  readonly agents?: number;
  readonly speed: number;
  readonly telephonyUrl: string;
  readonly routingUrl: string;
  readonly customersUrl?: string;
  readonly switchPort: number;
  readonly secret: string;
  /** The services' AUTH_TOKEN_SECRET; by default the launcher's (launcherAuthSecret). */
  readonly authSecret?: string;
  readonly progressEveryMs?: number;
}

/** Agents per site for the rate: about 55 % of callers want an agent for ~31 s of handling (at speed 1), at 85 % occupancy. */
export const agentsFor = (rate: number, sites: number, speed: number): number => Math.max(3, Math.ceil((rate * 0.55 * (31 / speed)) / 0.85 / sites));

/** The switch's secret as the launcher keeps it: SWITCH_WEBHOOK_SECRET, else the data folder's secrets/switch-webhook-secret. */
export async function launcherSecret(config: LauncherConfig): Promise<string> {
  if (config.SWITCH_WEBHOOK_SECRET) return config.SWITCH_WEBHOOK_SECRET;
  const file = join(config.SWITCHBOARD_DATA_DIR, 'secrets', 'switch-webhook-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`no switch secret: set SWITCH_WEBHOOK_SECRET, or start the system once (./switchboard start) so that ${file} exists`);
  }
}

/** The key every service checks access tokens with, as the launcher keeps it: AUTH_TOKEN_SECRET, else the data folder's secrets/auth-token-secret. */
export async function launcherAuthSecret(config: LauncherConfig): Promise<string> {
  if (config.AUTH_TOKEN_SECRET) return config.AUTH_TOKEN_SECRET;
  const file = join(config.SWITCHBOARD_DATA_DIR, 'secrets', 'auth-token-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    throw new Error(`no access-token key: set AUTH_TOKEN_SECRET, or start the system once (./switchboard start) so that ${file} exists`);
  }
}

/** The simulator's service token, renewed well before it expires (a run may last for days). */
export function simulatorToken(authSecret: string): () => Promise<string> {
  return serviceToken(accessTokens(authSecret), 'simulator', 3600);
}

export async function simulate(options: SimulateOptions, print: (line: string) => void): Promise<Simulation> {
  const authSecret = options.authSecret ?? (await launcherAuthSecret(loadConfigOrExit(launcherConfig)));
  const agents = options.agents ?? agentsFor(options.rate, options.sites, options.speed);
  let violationsShown = 0;
  print(`▸ simulating ${options.rate} calls/s for ${Number.isFinite(options.minutes) ? `${options.minutes} min` : 'as long as it runs'} (seed ${options.seed}, ${options.sites} sites × ${agents} agents, speed ${options.speed})`);
  return startSimulation({
    urls: { telephony: options.telephonyUrl, routing: options.routingUrl, ...(options.customersUrl ? { customers: options.customersUrl } : {}) },
    secret: options.secret,
    accessToken: simulatorToken(authSecret),
    seed: options.seed,
    ratePerSecond: options.rate,
    speed: options.speed,
    sites: options.sites,
    agentsPerSite: agents,
    durationMs: options.minutes * 60_000,
    switchPort: options.switchPort,
    progressEveryMs: options.progressEveryMs ?? 5_000,
    onProgress: (p) => {
      print(`  ${formatProgress(p)}`);
      // What broke, not only how often: the new violations since the last line (at most 10 a line).
      for (const violation of p.tally.violations.slice(violationsShown, violationsShown + 10)) print(`    violation: ${violation}`);
      violationsShown = p.tally.violations.length;
    },
    log: print,
  });
}

const USAGE = `usage: ./switchboard simulate [--rate 2] [--minutes 5] [--seed 1] [--sites 4] [--agents <per site>] [--speed 1]
       [--telephony-url http://127.0.0.1:4101] [--routing-url http://127.0.0.1:4102] [--customers-url http://127.0.0.1:4103 | --no-customers]
The services must be running (./switchboard start), with telephony's SWITCH_CONTROL_URL at this simulator (the launcher sets it to port ${DEFAULT_SIMULATOR_PORT}).`;

export const command: CliCommand = {
  summary: 'play call traffic (the switch and the agents) against the running services: --rate, --minutes, --seed, --sites, --agents',
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        rate: { type: 'string', default: '2' },
        minutes: { type: 'string', default: '5' },
        seed: { type: 'string', default: '1' },
        sites: { type: 'string', default: '4' },
        agents: { type: 'string' },
        speed: { type: 'string', default: '1' },
        'telephony-url': { type: 'string' },
        'routing-url': { type: 'string' },
        'customers-url': { type: 'string' },
        'no-customers': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    const number = (name: string, value: string | undefined, min: number) => {
      const n = Number(value);
      if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, not ${JSON.stringify(value)}\n${USAGE}`);
      return n;
    };
    const config = loadConfigOrExit(launcherConfig);
    const local = (name: string) => `http://${config.SWITCHBOARD_HOST}:${portOf(config, name)}`;
    const simulation = await simulate(
      {
        rate: number('rate', values.rate, 0.01),
        minutes: number('minutes', values.minutes, 0.05),
        seed: Math.floor(number('seed', values.seed, 0)),
        sites: Math.floor(number('sites', values.sites, 1)),
        ...(values.agents === undefined ? {} : { agents: Math.floor(number('agents', values.agents, 1)) }),
        speed: number('speed', values.speed, 0.1),
        telephonyUrl: values['telephony-url'] ?? local('telephony'),
        routingUrl: values['routing-url'] ?? local('routing'),
        ...(values['no-customers'] ? {} : { customersUrl: values['customers-url'] ?? local('customers') }),
        switchPort: config.SWITCHBOARD_SIMULATOR_PORT,
        secret: await launcherSecret(config),
      },
      (line) => process.stdout.write(`${line}\n`),
    );
    process.once('SIGINT', () => {
      process.stdout.write('\n▸ stopping arrivals; calls in progress finish …\n');
      simulation.stop();
    });
    const result = await simulation.done;
    process.stdout.write(`\n${formatSummary(result)}\n`);
    if (result.tally.violations.length > 0) process.exitCode = 1;
  },
};
