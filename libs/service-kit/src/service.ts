// createService: the one way a service becomes an HTTP process (logging, probes, problems, tracing, close).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { BaseServiceConfig } from './config.ts';
import { installProblemResponses, sendProblem } from './http-problems.ts';
import { traceHttpRequests } from './http-tracing.ts';
import { createLogger, type Logger } from './logger.ts';
import { probeUrls, registerProbes, type Readiness } from './probes.ts';
import type { Telemetry } from './telemetry.ts';

export type ServiceApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, TypeBoxTypeProvider>;

/** A service's routes: a fastify plugin whose schemas (TypeBox) type its handlers. */
export type ServiceRoutes = FastifyPluginAsyncTypebox;

/** Releases one resource on shutdown (stop a consumer and commit its offsets, end a pool). */
export type Closer = () => Promise<unknown>;

export interface ServiceOptions<C extends BaseServiceConfig> {
  name: string;
  config: C;
  /** Defaults to a logger at config.LOG_LEVEL on standard output. */
  logger?: Logger;
  routes: ServiceRoutes;
  /** Undefined when ready to take traffic, or the reason not to; always ready when omitted. */
  readiness?: Readiness;
  /** Run in order after the last in-flight request finished; each runs even if one before failed. */
  onClose?: readonly Closer[];
  /** Shut down last, so the spans of the closers still get exported. */
  telemetry?: Telemetry;
}

export interface Service<C extends BaseServiceConfig = BaseServiceConfig> {
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  readonly app: ServiceApp;
  /** Listens on config.HOST:config.PORT and resolves to the URL. */
  listen(): Promise<string>;
  /**
   * Marks the service not ready, stops accepting connections, waits for in-flight requests, then runs
   * the closers. Idempotent. Rejects with an AggregateError naming the closers that failed.
   */
  close(): Promise<void>;
}

export function createService<C extends BaseServiceConfig>(options: ServiceOptions<C>): Service<C> {
  const { name, config } = options;
  const logger = options.logger ?? createLogger({ name, level: config.LOG_LEVEL });
  // fastify's own 503 while closing is not problem+json; refuseWhileClosing answers instead.
  // One line per request, at debug: fastify's two info lines a request flooded `switchboard start` under the
  // simulator (hundreds a second) and cost every service a synchronous write each. Failures are logged where they happen.
  // (Through a LogController: fastify 5.12 deprecates the top-level disableRequestLogging and warned at every start.)
  const app = Fastify({ loggerInstance: logger, return503OnClosing: false, logController: new LogController({ disableRequestLogging: true }) }).withTypeProvider<TypeBoxTypeProvider>() as unknown as ServiceApp;
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ req: request, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });
  let closing: Promise<void> | undefined;
  const isClosing = (): boolean => closing !== undefined;

  traceHttpRequests(app, probeUrls);
  refuseWhileClosing(app, isClosing);
  installProblemResponses(app);
  registerProbes(app, options.readiness ?? (async () => undefined));
  app.register(options.routes);

  return {
    name,
    config,
    logger,
    app,
    listen: () => app.listen({ host: config.HOST, port: config.PORT }),
    close: () => (closing ??= closeInOrder(app, logger, options)),
  };
}

/** Requests that reach a draining service (on a busy keep-alive connection) go to another instance. */
function refuseWhileClosing(app: ServiceApp, isClosing: () => boolean): void {
  app.addHook('onRequest', async (request, reply) => {
    if (!isClosing()) return;
    return sendProblem(reply, { status: 503, code: 'shutting-down', title: 'Shutting down', detail: 'the service is shutting down' }, request);
  });
}

async function closeInOrder(app: ServiceApp, logger: Logger, options: ServiceOptions<BaseServiceConfig>): Promise<void> {
  logger.info('closing: not ready any more, finishing in-flight requests');
  const failures: unknown[] = [];
  try {
    await app.close();
  } catch (error) {
    logger.error({ err: error }, 'closing: the HTTP server did not close cleanly');
    failures.push(error);
  }
  for (const [index, closer] of (options.onClose ?? []).entries()) {
    try {
      await closer();
    } catch (error) {
      logger.error({ err: error, closer: closer.name || `#${index}` }, 'closing: a closer failed');
      failures.push(error);
    }
  }
  await options.telemetry?.shutdown();
  if (failures.length > 0) throw new AggregateError(failures, `closing ${options.name}: ${failures.length} step(s) failed`);
  logger.info('closed');
}
