// Server spans for fastify requests, continuing the caller's W3C trace context; no auto-instrumentation.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  propagation,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requestPath } from './http-problems.ts';
import { instrumentationScope } from './telemetry-names.ts';

interface RequestSpan {
  span: Span;
  context: Context;
}

/** Adds hooks to `app` itself (not a child plugin) so that they cover every route and the 404 handler. */
export function traceHttpRequests(app: FastifyInstance, untracedUrls: readonly string[] = []): void {
  const untraced = new Set(untracedUrls);
  const spans = new WeakMap<FastifyRequest, RequestSpan>();
  const tracer = trace.getTracer(instrumentationScope);

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url;
    if (route !== undefined && untraced.has(route)) return;
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const attributes = { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_URL_PATH]: requestPath(request) };
    if (route !== undefined) Object.assign(attributes, { [ATTR_HTTP_ROUTE]: route });
    const name = route === undefined ? request.method : `${request.method} ${route}`;
    const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
    spans.set(request, { span, context: trace.setSpan(parent, span) });
  });

  // The handler is called synchronously from `done`, so it and all it awaits run inside the span.
  app.addHook('preHandler', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry === undefined) done();
    else context.with(entry.context, done);
  });

  app.addHook('onError', async (request, _reply, error) => {
    spans.get(request)?.span.recordException(error);
  });

  app.addHook('onResponse', async (request, reply) => {
    const entry = spans.get(request);
    if (entry === undefined) return;
    spans.delete(request);
    entry.span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
    if (reply.statusCode >= 500) {
      entry.span.setAttribute(ATTR_ERROR_TYPE, String(reply.statusCode));
      entry.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    entry.span.end();
  });

  app.addHook('onRequestAbort', async (request) => {
    const entry = spans.get(request);
    if (entry === undefined) return;
    spans.delete(request);
    entry.span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client closed the connection' });
    entry.span.end();
  });
}
