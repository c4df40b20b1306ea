// What a desk e2e test needs besides the services: a switch that carries out telephony's call control and reports back
// (signed webhooks in, signed commands out, as a PBX would), and the desks' own words when a test fails.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { freePort, freshDatabase, jsonClient, startServiceProcess, type ServiceProcess } from '@switchboard/testing';
import { asService, E2E_AUTH_SECRET } from './signed-in.ts';

/** SWITCH_WEBHOOK_SECRET of the telephony an e2e test starts. */
export const SWITCH_SECRET = 'e2e-switch-secret-of-at-least-32-characters';

/** A call to a service's API as another service. */
export const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => jsonClient(() => '', asService)(method, url, body, headers);
const sign = (timestamp: string, raw: string) => `sha256=${createHmac('sha256', SWITCH_SECRET).update(`${timestamp}.`).update(raw).digest('hex')}`;

/** The switch reports a call's step to telephony, signed. */
export async function report(telephonyUrl: string, body: Record<string, unknown>) {
  const raw = JSON.stringify({ switchEventId: randomUUID(), at: new Date().toISOString(), ...body });
  const timestamp = String(Math.floor(Date.now() / 1000));
  return send('POST', `${telephonyUrl}/switch/events`, raw, { 'content-type': 'application/json', 'x-switchboard-signature': sign(timestamp, raw), 'x-switchboard-timestamp': timestamp });
}

export interface FakeSwitch {
  /** SWITCH_CONTROL_URL for telephony. */
  readonly url: string;
  /** The commands telephony sent, in order (`bridge:ring` for a ring, else the kind). */
  readonly commands: string[];
  close(): void;
}

/** A switch that carries out telephony's call control at once and reports back what happened. */
export async function startSwitch(telephonyUrl: () => string): Promise<FakeSwitch> {
  const commands: string[] = [];
  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const signature = sign(String(request.headers['x-switchboard-timestamp']), raw);
      if (request.headers['x-switchboard-signature'] !== signature) return response.writeHead(401).end('{"reason":"unsigned"}');
      const command = JSON.parse(raw) as { kind: string; ring?: boolean; callId: string; switchCallRef: string; agentId: string; target?: string };
      commands.push(command.ring ? `${command.kind}:ring` : command.kind);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      const outcome: Record<string, Record<string, unknown> | undefined> = {
        bridge: command.ring ? undefined : { kind: 'answered', agentId: command.agentId },
        hold: { kind: 'held' },
        resume: { kind: 'resumed' },
        hangup: { kind: 'ended', by: 'agent' },
        transfer: { kind: 'transferred', target: command.target },
      };
      const next = outcome[command.kind];
      if (next !== undefined) setTimeout(() => void report(telephonyUrl(), { switchCallRef: command.switchCallRef, ...next }), 20);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/control`,
    commands,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** Rethrows a failure with what each desk page said (its error line and its activity log). */
export async function withDeskText(desks: Map<string, Page>, error: unknown): Promise<never> {
  const said: string[] = [];
  for (const [agent, page] of desks) {
    const text = async (selector: string) => (await page.textContent(selector).catch(() => null))?.slice(0, 1500) ?? '';
    said.push(`${agent}'s desk — error: "${await text('#error')}"; ticket error: "${await text('#ticket-error')}"; log (newest first): ${await text('#log')}`);
  }
  if (error instanceof Error) error.message += `\n${said.join('\n')}`;
  throw error;
}

/** The console's first admin in a desk e2e test. */
export const ADMIN_PASSWORD = 'e2e-admin-password-0001';

export interface DeskServices {
  readonly routing: ServiceProcess;
  readonly telephony: ServiceProcess;
  readonly console: ServiceProcess;
  readonly customers: ServiceProcess;
  readonly fakeSwitch: FakeSwitch;
  /** Stops every process and the switch. */
  stop(): Promise<void>;
}

/** What an agent's desk needs, each as its own process on one local log: routing, telephony (with a switch), the console, customers. */
export async function startDeskServices(): Promise<DeskServices> {
  const bus = await freshDatabase('bus');
  const [routingPort, telephonyPort, consolePort, customersPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const fakeSwitch = await startSwitch(() => `http://127.0.0.1:${telephonyPort}`);
  const running: ServiceProcess[] = [];
  const start = async (name: string, port: number, extra: Record<string, string> = {}) => {
    const p = await startServiceProcess(name, { DATABASE_URL: await freshDatabase(name), EVENTBUS_DATABASE_URL: bus, AUTH_TOKEN_SECRET: E2E_AUTH_SECRET, ...extra }, port);
    running.push(p);
    return p;
  };
  const stop = async () => {
    fakeSwitch.close();
    await Promise.all(running.map((p) => p.kill('SIGTERM')));
  };
  try {
    const [routing, telephony, console, customers] = await Promise.all([
      start('routing', routingPort),
      start('telephony', telephonyPort, { SWITCH_WEBHOOK_SECRET: SWITCH_SECRET, SWITCH_CONTROL_URL: fakeSwitch.url }),
      start('console', consolePort, {
        CONSOLE_ADMIN_LOGIN: 'admin',
        CONSOLE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        ROUTING_URL: `http://127.0.0.1:${routingPort}`,
        TELEPHONY_URL: `http://127.0.0.1:${telephonyPort}`,
        CUSTOMERS_URL: `http://127.0.0.1:${customersPort}`,
      }),
      start('customers', customersPort),
    ]);
    return { routing, telephony, console, customers, fakeSwitch, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
