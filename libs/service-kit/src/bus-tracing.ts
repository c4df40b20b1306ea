// Trace context across the event bus: W3C headers on each message, producer and consumer spans.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Attributes, type Span } from '@opentelemetry/api';
import { MessagingAttribute, instrumentationScope } from './telemetry-names.ts';

/** A copy of `headers` with `traceparent` (and `tracestate`) of the active context added. */
export function injectTraceHeaders(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  const carrier = { ...headers };
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** Runs `fn` in the trace context a message carried, so spans it starts join the producer's trace. */
export function withExtractedContext<T>(headers: Readonly<Record<string, string | undefined>>, fn: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, headers), fn);
}

/** Runs `fn` with `span` active: spans started and headers injected inside become its children. */
export function runInSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** `<topic> publish`; the caller ends it once the message is written. */
export function startProducerSpan(topic: string, attributes: Attributes = {}): Span {
  return trace.getTracer(instrumentationScope).startSpan(`${topic} publish`, {
    kind: SpanKind.PRODUCER,
    attributes: { [MessagingAttribute.destinationName]: topic, [MessagingAttribute.operationType]: 'send', ...attributes },
  });
}

/** `<topic> process`, a child of the active context (start it inside withExtractedContext). */
export function startConsumerSpan(topic: string, attributes: Attributes = {}): Span {
  return trace.getTracer(instrumentationScope).startSpan(`${topic} process`, {
    kind: SpanKind.CONSUMER,
    attributes: { [MessagingAttribute.destinationName]: topic, [MessagingAttribute.operationType]: 'process', ...attributes },
  });
}

/**
 * Handles a consumed message inside a `<topic> process` span that continues the trace its headers carry
 * (the span of the request that caused the event), so one trace runs from an HTTP call through the bus.
 */
export async function traceConsumption<T>(message: { readonly topic: string; readonly headers: Readonly<Record<string, string>> }, fn: () => Promise<T>): Promise<T> {
  return withExtractedContext(message.headers, async () => {
    const span = startConsumerSpan(message.topic);
    try {
      return await runInSpan(span, fn);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
