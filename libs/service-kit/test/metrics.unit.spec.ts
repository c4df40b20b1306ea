// Metric instruments carry the names, units and attributes declared once in the kit.
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { DomainAttribute, MetricName, createInstruments } from '../src/index.ts';

describe('metrics', () => {
  it('records queue size and routing latency under our names, per site and queue', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ readers: [reader] });
    const instruments = createInstruments(provider.getMeter('test'));
    const queue = { [DomainAttribute.siteId]: 'sz-01', [DomainAttribute.queueId]: 'vip' };

    instruments.queueSize.add(3, queue);
    instruments.queueSize.add(-1, queue);
    instruments.routingLatency.record(0.25, queue);

    const { resourceMetrics } = await reader.collect();
    const recorded = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics);
    const queueSize = recorded.find((m) => m.descriptor.name === MetricName.queueSize);
    expect(queueSize?.descriptor.unit).toBe('{call}');
    expect(queueSize?.dataPoints[0]?.value).toBe(2);
    expect(queueSize?.dataPoints[0]?.attributes).toEqual(queue);
    expect(recorded.find((m) => m.descriptor.name === MetricName.routingLatency)?.descriptor.unit).toBe('s');
    await provider.shutdown();
  });
});
