// The console's own settings, besides every service's: the token key, sessions, the first admin, and where the other services answer.
import { fields, z } from '@switchboard/config';
import { authConfigFields } from '@switchboard/service-kit';

export const consoleConfigSchema = z
  .object({
    ...authConfigFields,
    /** How long a sign-in lasts: one shift by default. */
    CONSOLE_SESSION_MINUTES: fields.positiveInt(600),
    /** Mark the session cookie Secure (set it when the console is served over HTTPS). */
    CONSOLE_SECURE_COOKIE: fields.flag(false),
    /** The first admin, created at start when no person has this login yet. */
    CONSOLE_ADMIN_LOGIN: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'must be 2-64 lower-case letters, digits, . _ or -').optional(),
    CONSOLE_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256, 'must be at most 256 characters').optional(),
    ROUTING_URL: fields.httpUrl().default('http://127.0.0.1:4102'),
    TELEPHONY_URL: fields.httpUrl().default('http://127.0.0.1:4101'),
    CUSTOMERS_URL: fields.httpUrl().default('http://127.0.0.1:4103'),
    REPORTING_URL: fields.httpUrl().default('http://127.0.0.1:4106'),
    /** Where people's browsers open reporting's wallboard and reports (the home page links them); REPORTING_URL if unset. */
    REPORTING_PAGES_URL: fields.httpUrl().optional(),
  })
  .refine((env) => (env.CONSOLE_ADMIN_LOGIN === undefined) === (env.CONSOLE_ADMIN_PASSWORD === undefined), {
    path: ['CONSOLE_ADMIN_PASSWORD'],
    message: 'CONSOLE_ADMIN_LOGIN and CONSOLE_ADMIN_PASSWORD go together: set both to create the first admin, or neither',
  });

export type ConsoleConfig = z.output<typeof consoleConfigSchema>;
