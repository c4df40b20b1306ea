// Metric instruments, created through the one meter so names, units and descriptions live in one place.
import { metrics, type Meter } from '@opentelemetry/api';
import { MetricName, instrumentationScope } from './telemetry-names.ts';

/**
 * A getter rather than a constant: the metrics API has no proxy, so a meter taken before
 * startTelemetry registers the provider would stay a no-op forever.
 */
export const meter = (): Meter => metrics.getMeter(instrumentationScope);

/** Call after startTelemetry; record with attributes from DomainAttribute (site, queue, topic). */
export function createInstruments(from: Meter = meter()) {
  return {
    consumerLag: from.createGauge(MetricName.consumerLag, {
      unit: '{message}',
      description: 'Messages between the committed offset and the end of the partition',
    }),
    routingLatency: from.createHistogram(MetricName.routingLatency, {
      unit: 's',
      description: 'Time from a call queued to an agent offered',
    }),
    queueSize: from.createUpDownCounter(MetricName.queueSize, {
      unit: '{call}',
      description: 'Calls waiting in a queue',
    }),
  };
}

export type Instruments = ReturnType<typeof createInstruments>;
