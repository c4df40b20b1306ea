// Typed configuration from the environment: parsed once at start, every wrong value named in one line.
import { z } from 'zod';

export { z };

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

type Env = Record<string, string | undefined>;

/** Variables whose value must never be echoed, even when it is wrong. */
const secretName = /SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL/i;

/** Parses `env` with `schema`; throws a ConfigError naming each wrong variable and its value. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(environment)';
    const raw = issue.path.length === 1 ? env[String(issue.path[0])] : undefined;
    const got = raw === undefined ? 'it is not set' : secretName.test(name) ? `got a value of ${raw.length} characters` : `got ${JSON.stringify(raw)}`;
    return `${name}: ${issue.message} (${got})`;
  });
  throw new ConfigError(problems);
}

/** For a process entry point: parse, or print the problems and exit with code 2. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

/** Common field shapes, so every service spells a port or a list the same way. */
export const fields = {
  port: (fallback: number) =>
    z.coerce.number({ error: 'must be a port number (0 to 65535)' }).int('must be a whole number').min(0, 'must be a port number (0 to 65535)').max(65535, 'must be a port number (0 to 65535)').default(fallback),
  positiveInt: (fallback: number) =>
    z.coerce.number({ error: 'must be a positive whole number' }).int('must be a positive whole number').positive('must be a positive whole number').default(fallback),
  list: () =>
    z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.string().min(1)).min(1, 'must name at least one entry')),
  postgresUrl: () =>
    z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' }),
  httpUrl: () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  flag: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  logLevel: () =>
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
};
