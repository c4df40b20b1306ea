// The boot of an event-sourced service: config, telemetry, its database and event store, the bus, the
// outbox relay, its projections and routes, then listen; and the reverse on shutdown.
import { fields, loadConfigOrExit, z } from '@switchboard/config';
import { checkEventBusEnv, createEventBus, eventBusConfigFromEnv, eventBusEnv, type BusMessage, type Consumer, type EventBus } from '@switchboard/eventbus';
import {
  EventStore,
  connectPrisma,
  migrateEventStore,
  poolOf,
  runProjection,
  sqlOn,
  startOutboxRelay,
  type AppendOptions,
  type PrismaClient,
  type Projection,
  type Sql,
} from '@switchboard/event-store';
import { applyMigrations, readMigrations } from '@switchboard/postgres';
import { baseServiceConfig } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { createService, type Closer, type Service, type ServiceRoutes } from './service.ts';
import { installSignalHandlers } from './shutdown.ts';
import { injectTraceHeaders, traceConsumption } from './bus-tracing.ts';
import { startTelemetry } from './telemetry.ts';

export function eventSourcedServiceConfig(defaultPort: number) {
  return baseServiceConfig(defaultPort)
    .safeExtend({ DATABASE_URL: fields.postgresUrl(), ...eventBusEnv })
    .superRefine(checkEventBusEnv);
}
export type EventSourcedServiceConfig = z.output<ReturnType<typeof eventSourcedServiceConfig>>;

/** What a service's routes and projections are built from. */
export interface ServiceContext {
  readonly config: EventSourcedServiceConfig;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  /** The same database through plain node-postgres (tagged-template SQL): for statements on a call's path. */
  readonly sql: Sql;
  readonly store: EventStore;
  readonly bus: EventBus;
  /** Append options for a command arriving now, carrying the current trace into the events' headers. */
  readonly commandOptions: (extra?: Omit<AppendOptions, 'occurredAt' | 'headers'>) => AppendOptions;
}

export interface EventSourcedServiceSpec {
  readonly name: string;
  readonly defaultPort: number;
  /** The topic this service publishes to, e.g. `customers.events`. */
  readonly topic: string;
  /** Folder of this service's own SQL migrations (read models), applied after the event store's. */
  readonly migrationsFolder?: string;
  readonly routes: (context: ServiceContext) => ServiceRoutes;
  readonly projections?: (context: ServiceContext) => readonly Projection[];
  /**
   * Other long-running work (a sink that writes the bus to ClickHouse, say), started after the
   * projections; the closers it returns run first on shutdown, so in-flight batches finish and commit.
   */
  readonly workers?: (context: ServiceContext) => Promise<readonly Closer[]>;
  /** More to be ready for besides the service database; undefined when ready, else the reason. */
  readonly readiness?: (context: ServiceContext) => Promise<string | undefined>;
}

/** host:port/database (or the socket folder) of a connection URL, never its password. */
function place(url: string): string {
  const u = new URL(url);
  const socket = u.searchParams.get('host');
  return `${socket === null ? `${u.hostname}:${u.port || 5432}` : `${socket} (socket ${u.port || 5432})`}${u.pathname}`;
}

/** Runs one start-up step; a failure says which step and where, in words an operator can act on. */
async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
      return await work();
  } catch (error) {
    const reason = error instanceof AggregateError ? error.errors.map(String).join('; ') : error instanceof Error ? error.message : String(error);
    throw new Error(`${what} failed: ${reason}`, { cause: error });
  }
}

/** A service's main: start, or say in one line why not and exit 1 (the supervisor retries). */
export async function runService(spec: EventSourcedServiceSpec): Promise<void> {
  try {
    await startEventSourcedService(spec);
  } catch (error) {
    process.stderr.write(`${spec.name} could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

export interface StartOptions {
  /** The environment to configure from (tests pass their own; main passes nothing). */
  readonly env?: Record<string, string | undefined>;
  /** Stop gracefully on SIGTERM / SIGINT (default true; tests that start several services in one process pass false). */
  readonly handleSignals?: boolean;
}

/** Builds and starts the service. */
export async function startEventSourcedService(
  spec: EventSourcedServiceSpec,
  { env = process.env, handleSignals = true }: StartOptions = {},
): Promise<Service<EventSourcedServiceConfig> & { readonly url: string; readonly context: ServiceContext }> {
  const config = loadConfigOrExit(eventSourcedServiceConfig(spec.defaultPort), env);
  const logger = createLogger({ name: spec.name, level: config.LOG_LEVEL });
  const telemetry = startTelemetry({
    serviceName: spec.name,
    exporter: config.OTEL_TRACES_EXPORTER,
    ...(config.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT } : {}),
    logger,
  });
  // What is opened before the service listens is closed again if the start fails half way,
  // so a process that starts several services (the tests) is not left with a running telemetry or a pool.
  const opened: (() => Promise<unknown>)[] = [() => telemetry.shutdown()];
  try {
  await step(`preparing the service database (DATABASE_URL: ${place(config.DATABASE_URL)})`, async () => {
    await migrateEventStore(config.DATABASE_URL);
    if (spec.migrationsFolder) await applyMigrations(config.DATABASE_URL, spec.name, await readMigrations(spec.migrationsFolder));
  });
  const prisma = connectPrisma(config.DATABASE_URL);
  opened.unshift(() => prisma.$disconnect());
  let service: Service<EventSourcedServiceConfig> | undefined;
  // A consumer that can no longer work takes the process down; the supervisor starts it again.
  const onConsumerFailure = (error: unknown) => {
    logger.fatal({ err: error }, 'an event consumer failed; shutting down so the supervisor restarts the service');
    void (service?.close() ?? Promise.resolve()).finally(() => process.exit(1));
  };
  const busConfig = eventBusConfigFromEnv(config, spec.name, onConsumerFailure);
  const bus = await step(
    `connecting to the event bus (${busConfig.kind === 'kafka' ? `KAFKA_BROKERS: ${busConfig.brokers.join(',')}` : `EVENTBUS_DATABASE_URL: ${place(busConfig.databaseUrl)}`})`,
    () => createEventBus(busConfig),
  );
  opened.unshift(() => bus.close());
  const store = new EventStore(prisma, { topic: spec.topic });
  const context: ServiceContext = {
    config,
    logger,
    prisma,
    sql: sqlOn(poolOf(prisma)),
    store,
    bus,
    commandOptions: (extra) => ({ ...extra, occurredAt: new Date(), headers: injectTraceHeaders({}) }),
  };
  const projections = spec.projections?.(context) ?? [];
  const topics = new Set([spec.topic, ...projections.flatMap((p) => p.topics)]);
  await bus.ensureTopics([...topics].map((topic) => ({ topic, partitions: config.EVENTBUS_PARTITIONS })));
  const relay = await startOutboxRelay({
    prisma,
    databaseUrl: config.DATABASE_URL,
    bus,
    onError: (error) => logger.error({ err: error }, 'the outbox relay could not move events to the bus; retrying'),
  });
  opened.unshift(() => relay.stop());
  const consumers: Consumer[] = [];
  opened.unshift(() => Promise.all(consumers.map((c) => c.stop())));
  for (const projection of projections) {
    consumers.push(await runProjection(bus, prisma, projection, traceConsumption, (message, error) => logDeadLetter(logger, projection.name, message, error)));
  }
  const workerClosers = (await spec.workers?.(context)) ?? [];
  opened.unshift(...workerClosers.map((close) => async () => close()));

  service = createService({
    name: spec.name,
    config,
    logger,
    telemetry,
    routes: spec.routes(context),
    readiness: async () => {
      try {
        await prisma.$queryRaw`select 1`;
      } catch (error) {
        return `the service database does not answer: ${String(error)}`;
      }
      return spec.readiness?.(context);
    },
    // Workers and consumers first (they finish their batch and commit), then the relay, the bus and the database.
    onClose: [...workerClosers, ...consumers.map((c) => () => c.stop()), () => relay.stop(), () => bus.close(), () => prisma.$disconnect()],
  });
  const url = await service.listen();
  if (handleSignals) installSignalHandlers(service);
  logger.info({ url }, `${spec.name} listening`);
  return Object.assign(service, { url, context });
  } catch (error) {
    for (const close of opened) await close().catch(() => undefined);
    throw error;
  }
}

/**
 * One warning per message set aside on a group's dead-letter topic, saying why and how to send it back: an event
 * that failed must not go unseen (6,510 did once, for an hour and a half, before anyone looked at the topic).
 */
export function logDeadLetter(logger: Logger, groupId: string, message: BusMessage, error: unknown): void {
  logger.warn(
    { group: groupId, topic: message.topic, partition: message.partition, offset: message.offset, err: error },
    `an event of ${message.topic} was set aside on ${groupId}.dlq: ${error instanceof Error ? error.message : String(error)} — once fixed, ./switchboard dead-letters --replay ${groupId}`,
  );
}
