// The one structured logger (pino): personal data masked, trace ids on every line logged inside a span.
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';
import { maskPhoneNumbers, redactPersonalData, redactUrl } from './personal-data.ts';

export type { Logger };

export interface LoggerOptions {
  name: string;
  level: string;
  /** Where lines go; standard output when omitted (tests pass a stream to read them back). */
  destination?: DestinationStream;
}

export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      name,
      level,
      formatters: {
        log: (object) => redactPersonalData(object),
        bindings: (bindings) => redactPersonalData(bindings),
      },
      // The last word on every line, whatever a serializer or message put in it.
      hooks: { streamWrite: maskPhoneNumbers },
      mixin: activeTraceIds,
      // Replaces fastify's request serializer, which logs the query string as it came.
      serializers: { req: requestSummary },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function requestSummary(request: RequestLike): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

function activeTraceIds(): Record<string, string> {
  const span = trace.getActiveSpan()?.spanContext();
  if (span === undefined || !isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId };
}
