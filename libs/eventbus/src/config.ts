// Picks the bus adapter from configuration: the same services run on the local log or on Kafka.
import { fields, z } from '@switchboard/config';
import type { EventBus } from './port.ts';
import { createLocalEventBus, type LocalEventBusOptions } from './local/index.ts';
import { createKafkaEventBus, type KafkaEventBusOptions } from './kafka/index.ts';

export type EventBusConfig = ({ readonly kind: 'local' } & LocalEventBusOptions) | ({ readonly kind: 'kafka' } & KafkaEventBusOptions);

export async function createEventBus(config: EventBusConfig): Promise<EventBus> {
  switch (config.kind) {
    case 'local':
      return createLocalEventBus(config);
    case 'kafka':
      return createKafkaEventBus(config);
    default: {
      const never: never = config;
      throw new Error(`unknown event bus kind ${JSON.stringify(never)}`);
    }
  }
}

/** The environment variables that choose and reach the bus; every service extends its config with them. */
export const eventBusEnv = {
  EVENTBUS: z.enum(['local', 'kafka'], { error: 'must be local or kafka' }).optional(),
  EVENTBUS_DATABASE_URL: fields.postgresUrl().optional(),
  EVENTBUS_PARTITIONS: fields.positiveInt(8),
  KAFKA_BROKERS: fields.list().optional(),
  /** `create`: services create their topics; `assume-existing`: a topic operator (Strimzi) provisions them. */
  KAFKA_TOPIC_ADMIN: z.enum(['create', 'assume-existing'], { error: 'must be create or assume-existing' }).default('create'),
};

type EventBusEnv = {
  EVENTBUS?: 'local' | 'kafka' | undefined;
  EVENTBUS_DATABASE_URL?: string | undefined;
  KAFKA_BROKERS?: string[] | undefined;
  KAFKA_TOPIC_ADMIN?: 'create' | 'assume-existing' | undefined;
};

/** Cross-field check for a config refined with eventBusEnv: the chosen adapter has what it needs. */
export function checkEventBusEnv(env: EventBusEnv, ctx: z.RefinementCtx): void {
  const kind = env.EVENTBUS ?? (env.KAFKA_BROKERS ? 'kafka' : 'local');
  if (kind === 'kafka' && !env.KAFKA_BROKERS) ctx.addIssue({ code: 'custom', path: ['KAFKA_BROKERS'], message: 'is required when EVENTBUS=kafka (host:port,host:port)' });
  if (kind === 'local' && !env.EVENTBUS_DATABASE_URL) {
    ctx.addIssue({ code: 'custom', path: ['EVENTBUS_DATABASE_URL'], message: 'is required for the local event log (or set KAFKA_BROKERS to use Kafka)' });
  }
}

export function eventBusConfigFromEnv(env: EventBusEnv, clientId: string, onConsumerFailure: (error: unknown) => void): EventBusConfig {
  const kind = env.EVENTBUS ?? (env.KAFKA_BROKERS ? 'kafka' : 'local');
  return kind === 'kafka'
    ? { kind, brokers: env.KAFKA_BROKERS!, clientId, topicAdmin: env.KAFKA_TOPIC_ADMIN ?? 'create', onConsumerFailure }
    : { kind, databaseUrl: env.EVENTBUS_DATABASE_URL!, onConsumerFailure };
}
