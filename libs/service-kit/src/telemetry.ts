// Starts OpenTelemetry for one process: W3C trace context always; spans to an OTLP collector, the console, or nowhere.
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NoopSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { TraceExporterName } from './config.ts';
import type { Logger } from './logger.ts';

export interface TelemetryOptions {
  serviceName: string;
  exporter: TraceExporterName;
  /** Base URL of an OTLP/HTTP collector (e.g. http://127.0.0.1:4318); required for `otlp`. */
  endpoint?: string;
  /** Added to the exporter's processor; tests pass an in-memory exporter here. */
  spanProcessors?: SpanProcessor[];
  /** How long shutdown waits for the last export before giving up; default 2000 ms. */
  shutdownTimeoutMs?: number;
  /** Where a failed or slow final export is reported. */
  logger?: Pick<Logger, 'warn'>;
}

export interface Telemetry {
  /** Flushes what it can within the timeout; never rejects, never hangs. */
  shutdown(): Promise<void>;
}

let running = false;

/**
 * Registers the global tracer provider, meter provider and propagator. Throws if telemetry is already
 * running (the OpenTelemetry globals can be set only once) or if `otlp` comes without an endpoint.
 * Everything is configured here, not from OTEL_* variables, so `none` never opens a connection.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (running) throw new Error('telemetry is already running in this process; shut it down before starting it again');
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    autoDetectResources: false,
    textMapPropagator: new W3CTraceContextPropagator(),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [...exporterProcessors(options), ...(options.spanProcessors ?? [])],
    metricReaders: metricReaders(options),
    logRecordProcessors: [],
  });
  sdk.start();
  running = true;
  let stopped: Promise<void> | undefined;
  return { shutdown: () => (stopped ??= stop(sdk, options)) };
}

function exporterProcessors({ exporter, endpoint }: TelemetryOptions): SpanProcessor[] {
  switch (exporter) {
    case 'none':
      // Spans are still made, so their trace ids tie together the logs of one call across services.
      return [new NoopSpanProcessor()];
    case 'console':
      return [new SimpleSpanProcessor({ exporter: new ConsoleSpanExporter() })];
    case 'otlp':
      return [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: signalUrl(endpoint, 'traces') }) })];
    default:
      return unknownExporter(exporter);
  }
}

function metricReaders({ exporter, endpoint }: TelemetryOptions): IMetricReader[] {
  if (exporter !== 'otlp') return [];
  return [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: signalUrl(endpoint, 'metrics') }) })];
}

// An explicit exporter URL is used as is, so the per-signal path of the OTLP spec is added here.
function signalUrl(endpoint: string | undefined, signal: 'traces' | 'metrics'): string {
  if (endpoint === undefined) throw new Error('the otlp exporter needs an endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)');
  return `${endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

function unknownExporter(exporter: never): never {
  throw new Error(`unknown trace exporter ${String(exporter)}`);
}

async function stop(sdk: NodeSDK, options: TelemetryOptions): Promise<void> {
  const timeoutMs = options.shutdownTimeoutMs ?? 2_000;
  // Settled either way, so a rejection after the timeout cannot surface as an unhandled one.
  const flushed = sdk.shutdown().then(
    () => undefined,
    (error: unknown) => error,
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([flushed, timedOut]);
    if (outcome === 'timeout') options.logger?.warn({ timeoutMs }, 'telemetry: the last export did not finish in time; dropped');
    else if (outcome !== undefined) options.logger?.warn({ err: outcome }, 'telemetry: the last export failed; dropped');
  } finally {
    clearTimeout(timer);
    // Unregistered so the process (a test, usually) can start telemetry again.
    trace.disable();
    metrics.disable();
    propagation.disable();
    context.disable();
    running = false;
  }
}
