import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpTimeout, httpRequest } from '../src/http-client.ts';

let server: Server | undefined;

async function serve(handle: (request: IncomingMessage, response: ServerResponse, body: string) => void): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => handle(request, response, body));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: () => connections };
}

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open === undefined) return;
  open.closeAllConnections();
  await new Promise((resolve) => open.close(resolve));
});

describe('httpRequest', () => {
  it('sends the method, headers and body, answers the status and text, and keeps the connection for the next request', async () => {
    const seen: string[] = [];
    const { url, connections } = await serve((request, response, body) => {
      seen.push(`${request.method} ${request.url} ${request.headers['x-signature']} ${request.headers['content-length']} ${body}`);
      response.writeHead(request.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ echo: body }));
    });

    const first = await httpRequest(`${url}/switch/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature': 'abc' }, body: '{"ü":1}', timeoutMs: 2_000 });
    const second = await httpRequest(`${url}/missing`, { timeoutMs: 2_000 });

    expect(first).toEqual({ status: 200, ok: true, text: JSON.stringify({ echo: '{"ü":1}' }) });
    expect(second).toMatchObject({ status: 404, ok: false });
    // content-length counts bytes, not characters.
    expect(seen).toEqual(['POST /switch/events abc 8 {"ü":1}', 'GET /missing undefined undefined ']);
    expect(connections()).toBe(1);
  });

  it('gives up with HttpTimeout when the whole answer does not come within the time', async () => {
    const { url } = await serve(() => undefined);
    const started = Date.now();
    await expect(httpRequest(`${url}/slow`, { timeoutMs: 150 })).rejects.toBeInstanceOf(HttpTimeout);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('sends a request again on a new connection when the server closed the kept-alive one under it', async () => {
    const served = new WeakSet<Socket>();
    let handled = 0;
    const { url, connections } = await serve((request, response) => {
      // The second request on a connection finds it closed, as when a server drops an idle connection.
      if (served.has(request.socket)) return void request.socket.destroy();
      served.add(request.socket);
      handled++;
      response.end('ok');
    });

    await httpRequest(url, { timeoutMs: 2_000 });
    const again = await httpRequest(url, { method: 'POST', body: 'x', timeoutMs: 2_000 });

    expect(again).toEqual({ status: 200, ok: true, text: 'ok' });
    expect(handled).toBe(2);
    expect(connections()).toBe(2);
  });

  it('rejects a refused connection at once, without trying again', async () => {
    const { url } = await serve(() => undefined);
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    await expect(httpRequest(url, { timeoutMs: 2_000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
