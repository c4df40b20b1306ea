// One trace from a command through the outbox, the local log and a projection's consumer span.
import { create } from '@bufbuild/protobuf';
import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerRegisteredSchema, CustomerTier } from '@switchboard/contracts';
import { EventStore, connectPrisma, migrateEventStore, runProjection, startOutboxRelay, type Projection } from '@switchboard/event-store';
import { createLocalEventBus } from '@switchboard/eventbus';
import { eventually, freshDatabase, uniqueName } from '@switchboard/testing';
import { injectTraceHeaders, runInSpan, startTelemetry, traceConsumption, type Telemetry } from '@switchboard/service-kit';

describe('trace context across the bus', () => {
  const exported = new InMemorySpanExporter();
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = startTelemetry({ serviceName: 'bus-trace-test', exporter: 'none', spanProcessors: [new SimpleSpanProcessor({ exporter: exported })] });
  });
  afterAll(() => telemetry.shutdown());

  it("continues the request's trace in the consumer of the event it caused", async () => {
    const databaseUrl = await freshDatabase('svc');
    await migrateEventStore(databaseUrl);
    const prisma = connectPrisma(databaseUrl);
    const bus = await createLocalEventBus({ databaseUrl: await freshDatabase('bus') });
    const topic = uniqueName('customers.events');
    const store = new EventStore(prisma, { topic });
    const relay = await startOutboxRelay({ prisma, databaseUrl, bus, pollIntervalMs: 100 });

    const seenTraceIds: string[] = [];
    const projection: Projection = {
      name: uniqueName('routing.caller-tiers'),
      topics: [topic],
      apply: async () => void seenTraceIds.push(trace.getActiveSpan()?.spanContext().traceId ?? 'none'),
      reset: async () => undefined,
    };
    const consumer = await runProjection(bus, prisma, projection, traceConsumption);

    const request = trace.getTracer('test').startSpan('POST /customers');
    await runInSpan(request, () =>
      store.append('customer-1', 0, [create(CustomerRegisteredSchema, { customerId: '1', tier: CustomerTier.GOLD, phoneNumbers: ['+8613812345678'] })], {
        occurredAt: new Date(),
        headers: injectTraceHeaders(),
      }),
    );
    request.end();
    await eventually('the projection applied the event', () => seenTraceIds.length === 1);

    const { traceId, spanId } = request.spanContext();
    expect(seenTraceIds).toEqual([traceId]);
    const processSpanOf = () => exported.getFinishedSpans().find((s) => s.name === `${topic} process`);
    await eventually('the consumer span ended', () => processSpanOf() !== undefined);
    const processSpan = processSpanOf();
    expect(processSpan?.spanContext().traceId).toBe(traceId);
    expect(processSpan?.parentSpanContext?.spanId).toBe(spanId);

    await consumer.stop();
    await relay.stop();
    await bus.close();
    await prisma.$disconnect();
  });
});
