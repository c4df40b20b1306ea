// The simulated switch's HTTP side: takes telephony's signed call-control commands, and answers waybill look-ups for the IVR's self-service.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SIGNATURE_HEADER = 'x-switchboard-signature';
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';

/** The switch interface's signature: HMAC-SHA256 of "<timestamp>.<raw body>" with the shared secret. */
export const signBody = (secret: string, timestamp: string, raw: string): string => `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(raw).digest('hex')}`;

/** A call-control command as telephony sends it (docs/switch-interface.md). */
export interface ControlCommand {
  readonly commandId: string;
  readonly kind: 'bridge' | 'dial' | 'hold' | 'resume' | 'transfer' | 'hangup';
  readonly callId: string;
  readonly switchCallRef: string;
  readonly agentId: string;
  readonly siteId?: string;
  readonly queueId?: string;
  readonly ring?: boolean;
  readonly number?: string;
  readonly target?: string;
}

/** What the switch says to a command: taken (200), or refused for good with a reason (4xx). */
/** `code` (docs/switch-interface.md): `call-not-found` (404), this switch has no such call; `agent-unreachable`, no phone for the agent here. */
export type ControlAnswer = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string; readonly code?: string };

export interface SwitchServer {
  readonly url: string;
  readonly controlUrl: string;
  readonly trackingUrl: string;
  close(): Promise<void>;
}

export interface SwitchServerOptions {
  readonly secret: string;
  readonly port: number;
  readonly host?: string;
  readonly onCommand: (command: ControlCommand) => ControlAnswer;
}

const STATUSES = ['out for delivery', 'in transit', 'delivered', 'awaiting pickup'];
const PLACES = ['Shenzhen Nanshan', 'Guangzhou Baiyun', 'Beijing Chaoyang', 'Shanghai Pudong', 'Chengdu Wuhou'];

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => resolve(raw));
    request.on('error', reject);
  });
}

const send = (response: ServerResponse, status: number, body: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

export async function startSwitchServer(options: SwitchServerOptions): Promise<SwitchServer> {
  // A repeated command id gets the first answer: telephony retries what it did not hear back about.
  const answered = new Map<string, ControlAnswer>();
  const reply = (response: ServerResponse, answer: ControlAnswer) => (answer.ok ? send(response, 200, { ok: true }) : send(response, answer.status, { reason: answer.reason, ...(answer.code === undefined ? {} : { code: answer.code }) }));

  const server: Server = createServer((request, response) => {
    void (async () => {
      const url = request.url ?? '';
      const waybill = /^\/waybills\/([0-9]+)$/.exec(url)?.[1];
      if (request.method === 'GET' && waybill !== undefined) {
        const n = Number(waybill.slice(-6));
        return send(response, 200, { waybill, status: STATUSES[n % STATUSES.length], location: PLACES[n % PLACES.length] });
      }
      if (request.method !== 'POST' || url !== '/control') return send(response, 404, { reason: 'the simulated switch serves POST /control and GET /waybills/:number' });
      const raw = await readBody(request);
      const timestamp = String(request.headers[TIMESTAMP_HEADER] ?? '');
      const expected = Buffer.from(signBody(options.secret, timestamp, raw));
      const given = Buffer.from(String(request.headers[SIGNATURE_HEADER] ?? ''));
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return send(response, 401, { reason: 'not signed with the shared secret' });
      let command: ControlCommand;
      try {
        command = JSON.parse(raw) as ControlCommand;
      } catch {
        return send(response, 400, { reason: 'the body is not JSON' });
      }
      const earlier = answered.get(command.commandId);
      if (earlier !== undefined) return reply(response, earlier);
      const answer = options.onCommand(command);
      answered.set(command.commandId, answer);
      return reply(response, answer);
    })().catch((error: unknown) => send(response, 500, { reason: String(error) }));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const url = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    controlUrl: `${url}/control`,
    trackingUrl: `${url}/waybills/{{waybill}}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
