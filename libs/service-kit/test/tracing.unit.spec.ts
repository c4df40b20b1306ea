// Traces cross HTTP and the bus: a caller's traceparent is the parent of our server span, and so on down.
import { createServer } from 'node:net';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { parseConfig } from '@switchboard/config';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  Type,
  baseServiceConfig,
  createLogger,
  createService,
  injectTraceHeaders,
  runInSpan,
  startConsumerSpan,
  startProducerSpan,
  startTelemetry,
  withExtractedContext,
  type Telemetry,
} from '../src/index.ts';

const callerTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const callerSpanId = '00f067aa0ba902b7';
const traceparent = `00-${callerTraceId}-${callerSpanId}-01`;

describe('tracing', () => {
  const exported = new InMemorySpanExporter();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'tracing-test', exporter: 'none', spanProcessors: [new SimpleSpanProcessor({ exporter: exported })] });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exported.reset());

  const service = createService({
    name: 'tracing-test',
    config: parseConfig(baseServiceConfig(0), {}),
    logger: createLogger({ name: 'tracing-test', level: 'silent' }),
    routes: async (app) => {
      app.post('/queues/:queueId/calls', { schema: { params: Type.Object({ queueId: Type.String() }) } }, async () => {
        const span = startProducerSpan('routing.events');
        const headers = runInSpan(span, () => injectTraceHeaders({ 'content-type': 'application/protobuf' }));
        span.end();
        return { headers };
      });
    },
  });
  afterAll(() => service.close());

  it('makes the traceparent of a request the parent of the server span', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/queues/q-vip/calls', headers: { traceparent } });
    expect(response.statusCode).toBe(200);
    const server = exported.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.name).toBe('POST /queues/:queueId/calls');
    expect(server?.spanContext().traceId).toBe(callerTraceId);
    expect(server?.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(server?.attributes['http.response.status_code']).toBe(200);
  });

  it('carries the trace from the request through a publish into the message headers', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/queues/q-vip/calls', headers: { traceparent } });
    const spans = exported.getFinishedSpans();
    const server = spans.find((s) => s.kind === SpanKind.SERVER);
    const producer = spans.find((s) => s.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe('routing.events publish');
    expect(producer?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    const { headers } = response.json() as { headers: Record<string, string> };
    expect(headers['content-type']).toBe('application/protobuf');
    expect(headers['traceparent']).toBe(`00-${callerTraceId}-${producer?.spanContext().spanId}-01`);
  });

  it('starts a trace of its own when the request carries none', async () => {
    await service.app.inject({ method: 'POST', url: '/queues/q-vip/calls' });
    const server = exported.getFinishedSpans().find((s) => s.kind === SpanKind.SERVER);
    expect(server?.parentSpanContext).toBeUndefined();
    expect(server?.spanContext().traceId).not.toBe(callerTraceId);
  });

  it('names a span without a route after the method only, and leaves the probes out', async () => {
    await service.app.inject({ method: 'GET', url: '/nowhere' });
    await service.app.inject({ method: 'GET', url: '/healthz' });
    expect(exported.getFinishedSpans().map((s) => s.name)).toEqual(['GET']);
  });

  it('continues a message trace in its consumer', () => {
    const processed = withExtractedContext({ traceparent }, () => {
      const span = startConsumerSpan('routing.events');
      span.end();
      return span;
    });
    const consumer = exported.getFinishedSpans()[0];
    expect(consumer?.name).toBe('routing.events process');
    expect(consumer?.kind).toBe(SpanKind.CONSUMER);
    expect(consumer?.parentSpanContext?.spanId).toBe(callerSpanId);
    expect(processed.spanContext().traceId).toBe(callerTraceId);
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});

describe('telemetry with no exporter', () => {
  it('still gives each request a trace id of its own, for the logs and the next hop', async () => {
    const telemetry = startTelemetry({ serviceName: 'no-exporter', exporter: 'none' });
    const service = createService({
      name: 'no-exporter',
      config: parseConfig(baseServiceConfig(0), {}),
      logger: createLogger({ name: 'no-exporter', level: 'silent' }),
      routes: async (app) => {
        app.get('/headers', async () => injectTraceHeaders());
      },
      telemetry,
    });
    const headers = (await service.app.inject({ method: 'GET', url: '/headers' })).json() as Record<string, string>;
    expect(headers['traceparent']).toMatch(/^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
    await service.close();
  });
});

describe('telemetry shutdown', () => {
  it('neither hangs nor rejects when the OTLP collector is not there', async () => {
    const port = await closedPort();
    const telemetry = startTelemetry({
      serviceName: 'no-collector',
      exporter: 'otlp',
      endpoint: `http://127.0.0.1:${port}`,
      shutdownTimeoutMs: 500,
    });
    trace.getTracer('test').startSpan('lonely').end();
    const started = Date.now();
    await expect(telemetry.shutdown()).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses to start twice, and starts again after a shutdown', async () => {
    const first = startTelemetry({ serviceName: 'twice', exporter: 'none' });
    expect(() => startTelemetry({ serviceName: 'twice', exporter: 'none' })).toThrow(/already running/);
    await first.shutdown();
    await startTelemetry({ serviceName: 'again', exporter: 'console' }).shutdown();
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
