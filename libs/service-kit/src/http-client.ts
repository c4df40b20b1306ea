// Outgoing HTTP of Switchboard's processes: a switch report, a command to the switch, one service asking another.
// node:http over kept-alive connections. The global fetch cost 2.4 times the CPU of this per request
// (Request, Response, Headers and AbortSignal objects, web streams), on paths taken hundreds of times a second
// at 20 calls/s (bench/src/http-client.ts measures both). Imported on its own (`@switchboard/service-kit/http-client`)
// by code that is no service, such as the simulator.
import http from 'node:http';
import https from 'node:https';
import { context, propagation } from '@opentelemetry/api';

export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as is; give its content-type in `headers`. */
  readonly body?: string;
  /** From the request's start to the answer's last byte. */
  readonly timeoutMs: number;
}

export interface HttpAnswer {
  readonly status: number;
  /** A 2xx status (fetch's `Response.ok`). */
  readonly ok: boolean;
  readonly text: string;
}

/** No whole answer within the request's time. */
export class HttpTimeout extends Error {
  override readonly name = 'HttpTimeout';
}

// LIFO: the connection used last is used again, so the others idle out (Node closes them on the server's keep-alive hint).
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo' }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo' }),
};

/**
 * Sends one request and answers the status and the body as text; rejects when there is no answer (refused,
 * reset, timed out: HttpTimeout). The active trace context goes along (`traceparent`), as the services' own
 * server spans expect. A request that finds its kept-alive connection just closed by the server, before any answer,
 * is sent again on another connection while its time lasts: the server had closed it idle, so it never saw it.
 */
export async function httpRequest(url: string | URL, request: HttpRequest): Promise<HttpAnswer> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const headers: Record<string, string> = { ...request.headers };
  propagation.inject(context.active(), headers);
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  const deadline = Date.now() + request.timeoutMs;
  for (;;) {
    try {
      return await send(target, request, headers, deadline);
    } catch (error) {
      if (!(error instanceof StaleConnection)) throw error;
    }
  }
}

/** The kept-alive connection was closed under the request before any answer. */
class StaleConnection extends Error {}

function send(target: URL, request: HttpRequest, headers: Record<string, string>, deadline: number): Promise<HttpAnswer> {
  const agent = agents[target.protocol as keyof typeof agents];
  if (agent === undefined) return Promise.reject(new Error(`${target.protocol} is no HTTP URL: ${target.href}`));
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let answered = false;
    const outgoing = client.request(target, { method: request.method ?? 'GET', headers, agent }, (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', fail);
    });
    const timer = setTimeout(() => outgoing.destroy(new HttpTimeout(`no answer from ${target.origin} within ${request.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
    function fail(error: Error) {
      clearTimeout(timer);
      const code = (error as NodeJS.ErrnoException).code;
      reject(!answered && outgoing.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE') && Date.now() < deadline ? new StaleConnection() : error);
    }
    outgoing.on('error', fail);
    outgoing.end(request.body);
  });
}
