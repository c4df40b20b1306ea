// The console's settings: a wrong value stops the start with its name and what to do, and secrets are never echoed.
import { parseConfig } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import { consoleConfigSchema } from '../src/config.ts';

const SECRET = 'console-config-secret-that-is-long-enough';

describe('console configuration', () => {
  it('has defaults for the session and the other services', () => {
    expect(parseConfig(consoleConfigSchema, { AUTH_TOKEN_SECRET: SECRET })).toMatchObject({
      CONSOLE_SESSION_MINUTES: 600,
      CONSOLE_SECURE_COOKIE: false,
      ROUTING_URL: 'http://127.0.0.1:4102',
      TELEPHONY_URL: 'http://127.0.0.1:4101',
      CUSTOMERS_URL: 'http://127.0.0.1:4103',
    });
  });

  it('refuses a short token secret and a first admin without a password, without printing the secrets', () => {
    expect(() => parseConfig(consoleConfigSchema, { AUTH_TOKEN_SECRET: 'short-secret' })).toThrow(/AUTH_TOKEN_SECRET: is too short.*\(got a value of 12 characters\)/);
    expect(() => parseConfig(consoleConfigSchema, { AUTH_TOKEN_SECRET: SECRET, CONSOLE_ADMIN_LOGIN: 'admin' })).toThrow(/CONSOLE_ADMIN_PASSWORD: CONSOLE_ADMIN_LOGIN and CONSOLE_ADMIN_PASSWORD go together/);
    const weak = () => parseConfig(consoleConfigSchema, { AUTH_TOKEN_SECRET: SECRET, CONSOLE_ADMIN_LOGIN: 'admin', CONSOLE_ADMIN_PASSWORD: 'letmein' });
    expect(weak).toThrow(/CONSOLE_ADMIN_PASSWORD: must be at least 12 characters \(got a value of 7 characters\)/);
    expect(weak).not.toThrow(/letmein/);
  });
});
