// Graceful shutdown of a real process: SIGTERM lets the request in flight finish, then the process exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { eventually } from '@switchboard/testing';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const fixture = resolve(import.meta.dirname, 'fixtures/slow-service.ts');

interface Running {
  child: ChildProcess;
  logs: Array<{ msg?: string; url?: string }>;
  exited: Promise<number | null>;
  logged: (msg: string) => boolean;
}

function startFixture(env: Record<string, string>): Running {
  const child = spawn(process.execPath, [fixture], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Running['logs'] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (pending + chunk.toString('utf8')).split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts.filter(Boolean)) logs.push(JSON.parse(line) as Running['logs'][number]);
  });
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return { child, logs, exited, logged: (msg) => logs.some((l) => l.msg === msg) };
}

async function listening(running: Running): Promise<URL> {
  await eventually('the fixture to listen', () => running.logged('fixture listening'), 20_000);
  const url = running.logs.find((l) => l.msg === 'fixture listening')?.url;
  if (url === undefined) throw new Error('the fixture logged no url');
  // An exit hook installed by some imported module runs first and exits before the drain is done.
  const foreignListeners = running.logs.filter((l) => l.msg?.startsWith('shutdown: another listener') === true);
  expect(foreignListeners, 'a module imported by the service kit handles SIGTERM/SIGINT itself').toEqual([]);
  return new URL(url);
}

/** Sends raw HTTP/1.1 requests on one connection and resolves to everything read until it closes. */
function openConnection(url: URL) {
  const socket = connect(Number(url.port), url.hostname);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  // A reset shows up in the assertions as missing responses; it must not crash the test run.
  socket.on('error', () => {});
  const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
  const send = (path: string) => socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: keep-alive\r\n\r\n`);
  return { send, closed };
}

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new ones with problem details, runs the closers and exits 0', async () => {
    const running = startFixture({ SLOW_MS: '800' });
    const connection = openConnection(await listening(running));
    connection.send('/slow');
    await eventually('the slow request to start', () => running.logged('slow request started'));

    running.child.kill('SIGTERM');
    await eventually('the service to start closing', () => running.logs.some((l) => l.msg?.startsWith('closing') === true));
    connection.send('/readyz');

    const received = await connection.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(received).toContain('{"done":true}');
    expect(received).toMatch(/HTTP\/1\.1 503 Service Unavailable[\s\S]*application\/problem\+json[\s\S]*the service is shutting down/);
    expect(await running.exited).toBe(0);
    expect(running.logged('consumer stopped')).toBe(true);
  });

  it('exits 1 when closing takes longer than SHUTDOWN_TIMEOUT_MS', async () => {
    const running = startFixture({ SLOW_MS: '20000', SHUTDOWN_TIMEOUT_MS: '300' });
    openConnection(await listening(running)).send('/slow');
    await eventually('the slow request to start', () => running.logged('slow request started'));
    const started = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('exits 1 at once on a second signal', async () => {
    const running = startFixture({ SLOW_MS: '20000' });
    openConnection(await listening(running)).send('/slow');
    await eventually('the slow request to start', () => running.logged('slow request started'));
    running.child.kill('SIGTERM');
    await eventually('the first signal to be handled', () => running.logged('shutdown: signal received'));
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(1);
    expect(running.logged('shutdown: second signal, exiting now')).toBe(true);
  });

  it('exits 2 with one line per wrong variable when the configuration is wrong', async () => {
    const child = spawn(process.execPath, [fixture], {
      cwd: root,
      env: { PATH: process.env['PATH'] ?? '', PORT: 'eighty', OTEL_TRACES_EXPORTER: 'otlp' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n').slice(1);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('PORT');
    expect(lines[1]).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });
});
