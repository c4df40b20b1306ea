// Outgoing HTTP: the CPU and time per request of the platform's client (`@switchboard/service-kit/http-client`,
// node:http over kept-alive connections) against the global fetch, the baseline, in the same run. Each sends
// a switch command's worth of signed JSON to a plain node:http server in a process of its own, one request at
// a time; CPU is this process's only (the client's side).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { httpRequest } from '@switchboard/service-kit/http-client';
import { type Figure } from './harness.ts';

const REQUESTS = 5_000;
const ROUNDS = 3;

const SERVER = `
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"accepted":true}'); });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));`;

const body = JSON.stringify({ commandId: crypto.randomUUID(), callId: crypto.randomUUID(), kind: 'bridge', agentId: 'shenzhen-agent-17', issuedAt: new Date().toISOString() });
const headers = { 'content-type': 'application/json', 'x-switchboard-signature': 'v1=' + 'a'.repeat(64), 'x-switchboard-timestamp': '1765000000' };

export async function httpClient(): Promise<Figure[]> {
  const server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [line] = (await once(server.stdout, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${line.toString().trim()}/control`;
    const clients = {
      fetch: async () => {
        const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5_000) });
        await response.text();
      },
      ours: async () => void (await httpRequest(url, { method: 'POST', headers, body, timeoutMs: 5_000 })),
    };
    const cpu = { fetch: [] as number[], ours: [] as number[] };
    const wall = { fetch: [] as number[], ours: [] as number[] };
    // Alternated rounds after a warm-up each, so that neither profits from the machine's quieter moments.
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['fetch', 'ours'] as const) {
        for (let i = 0; i < 500; i++) await clients[name]();
        const cpuBefore = process.cpuUsage();
        const started = performance.now();
        for (let i = 0; i < REQUESTS; i++) await clients[name]();
        const used = process.cpuUsage(cpuBefore);
        cpu[name].push((used.user + used.system) / REQUESTS);
        wall[name].push(((performance.now() - started) * 1000) / REQUESTS);
      }
    }
    const best = (xs: number[]) => Math.min(...xs);
    const us = (x: number) => `${Math.round(x)} µs`;
    return [
      { benchmark: 'http-client', figure: 'baseline: global fetch, CPU / time per request (best of 3 rounds)', value: `${us(best(cpu.fetch))} / ${us(best(wall.fetch))}` },
      { benchmark: 'http-client', figure: 'service-kit httpRequest, CPU / time per request (best of 3 rounds)', value: `${us(best(cpu.ours))} / ${us(best(wall.ours))}` },
      {
        benchmark: 'http-client',
        figure: 'ratio: fetch ÷ httpRequest, CPU; time',
        value: `${(best(cpu.fetch) / best(cpu.ours)).toFixed(1)}×; ${(best(wall.fetch) / best(wall.ours)).toFixed(1)}×`,
        note: `${REQUESTS.toLocaleString('en-US')} sequential POSTs of ${body.length} bytes per round`,
      },
    ];
  } finally {
    server.kill();
  }
}
