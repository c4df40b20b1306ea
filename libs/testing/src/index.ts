// Fixtures for tests against real engines: a fresh database per test file, the mock Kafka's address.
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import './provided.ts';
import { ensureDatabase, withDatabase } from '@switchboard/postgres';

export { freePort } from './ports.ts';
export { startMockKafka, type MockKafka } from './mock-kafka.ts';

export const postgresServerUrl = (): string => inject('postgresUrl');
export const kafkaBrokers = (): string[] => inject('kafkaBrokers').split(',');

/** Creates an empty database with a unique name and returns its URL. */
export async function freshDatabase(prefix = 't'): Promise<string> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await ensureDatabase(postgresServerUrl(), name);
  return withDatabase(postgresServerUrl(), name);
}

/** A unique name for a topic or consumer group, so tests sharing a broker never meet. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Polls `check` until it returns true, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}
export { schemaDrift } from './schema-drift.ts';
export { startServiceProcess, type ServiceProcess } from './service-process.ts';

export type Json = Record<string, unknown>;

/**
 * Calls a service's JSON API the way a browser or a switch would: `call(method, path, body?)` → status and parsed body.
 * `defaultHeaders` go with every call (a signed-in caller's Authorization); a call's own headers win.
 */
export function jsonClient(baseUrl: () => string, defaultHeaders: Record<string, string> = {}) {
  return async (method: string, path: string, body?: unknown, callHeaders: Record<string, string> = {}): Promise<{ status: number; body: Json }> => {
    const headers = { ...defaultHeaders, ...callHeaders };
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Json };
  };
}
